package io.hybridcast.schemas.modelversion;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a model payload travels on {@code model-versions}: split into chunks that each fit a Kafka message,
 * with the SHA-256 of the whole payload and, when a key is configured, an HMAC-SHA256 signature over the
 * version's <em>metadata</em> (system, version, parent, algorithm, creation time, settings, training data,
 * metrics, chunk count and the payload's SHA-256, see {@link #signedContent}), so that neither the payload nor
 * the number it is published under can be changed without the key. The publisher (trainer) and every reader
 * (streams app, trainer) use this one definition, including the limits a reader enforces.
 */
public final class ModelPayloads {

    /** Default chunk size: well under the topic's 4 MiB message limit, leaving room for the metadata. */
    public static final int DEFAULT_CHUNK_BYTES = 1024 * 1024;
    /** Most chunks of one version (and the chunk slots per system on the topic, see {@link #records}). */
    public static final int MAX_CHUNKS = 32;
    /** Largest whole payload of one version; a reader refuses a version declaring or holding more. */
    public static final long MAX_PAYLOAD_BYTES = 32L * 1024 * 1024;
    /**
     * Without signing, how far above the version in service a new version number may be. A signed version is
     * bound to its number by the key; an unsigned one is not, and version {@code Long.MAX_VALUE} accepted once
     * would block every later version for good.
     */
    public static final long MAX_UNSIGNED_VERSION_JUMP = 1000;
    /** The setting (streams app) that lets unsigned versions in; the trainer's flag is {@code --allow-unsigned}. */
    public static final String ALLOW_UNSIGNED_SETTING = "model.allow.unsigned";

    /** Identifies what the signature covers; a change of {@link #signedContent} changes this string. */
    private static final String SIGNATURE_SCHEME = "hybridcast-model-version-signature/1";

    private ModelPayloads() {
    }

    /** SHA-256, lowercase hex. */
    public static String sha256(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * The signature of a version: HMAC-SHA256 under {@code key} (UTF-8) of its {@link #signedContent}, lowercase
     * hex. {@code header.sha256} must already hold the payload's SHA-256.
     */
    public static String sign(String key, ModelVersion header) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an HMAC key must not be empty");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(signedContent(header)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * The bytes the signature covers: every field of the version except the chunk's own index, payload slice
     * and the signature itself, each length-prefixed so no two versions share an encoding. The payload is
     * covered through its SHA-256; the creation time at millisecond precision, as Avro stores it.
     */
    public static byte[] signedContent(ModelVersion header) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            text(out, SIGNATURE_SCHEME);
            text(out, header.getSystem().name());
            out.writeLong(header.getVersion());
            out.writeBoolean(header.getParentVersion() != null);
            out.writeLong(header.getParentVersion() == null ? 0 : header.getParentVersion());
            text(out, header.getAlgorithm());
            out.writeLong(header.getCreatedAt().toEpochMilli());
            text(out, header.getSettingsJson());
            text(out, header.getTrainingData());
            Map<String, Double> metrics = new TreeMap<>();
            header.getMetrics().forEach((k, v) -> metrics.put(k.toString(), v));
            out.writeInt(metrics.size());
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                text(out, m.getKey());
                out.writeLong(Double.doubleToLongBits(m.getValue()));
            }
            out.writeInt(header.getChunkCount());
            text(out, header.getSha256().toLowerCase(Locale.ROOT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void text(DataOutputStream out, CharSequence value) throws IOException {
        byte[] utf8 = value == null ? new byte[0] : value.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /**
     * Why a reassembled version must not be used, or null when it may: the payload must match the published
     * SHA-256; with a key, the signature must match the metadata under it (constant-time comparison); without
     * a key, the version is refused unless unsigned versions are allowed.
     *
     * @param header        the version's metadata (its first chunk)
     * @param hmacKey       the shared key, or null/empty when none is configured
     * @param allowUnsigned whether versions may be used unsigned when no key is configured
     */
    public static String verify(ModelVersion header, byte[] payload, String hmacKey, boolean allowUnsigned) {
        String actual = sha256(payload);
        String published = header.getSha256() == null ? null : header.getSha256().toString();
        if (published == null || !actual.equalsIgnoreCase(published)) {
            return "SHA-256 mismatch: published " + published + ", payload has " + actual;
        }
        if (hmacKey == null || hmacKey.isEmpty()) {
            return allowUnsigned ? null : "no signing key is configured (model.hmac.key / --hmac-key) and unsigned "
                    + "model versions are refused; configure the trainer's key, or set " + ALLOW_UNSIGNED_SETTING
                    + "=true to accept versions anyone with write access to the topic can publish";
        }
        CharSequence signature = header.getSignature();
        if (signature == null || signature.toString().isBlank()) {
            return "unsigned, but a signing key is configured (model.hmac.key)";
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.toString().strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return "signature is not hex";
        }
        byte[] expected = HexFormat.of().parseHex(sign(hmacKey, header));
        if (!MessageDigest.isEqual(expected, given)) {
            return "HMAC-SHA256 signature does not match the configured key and this version's metadata (system, "
                    + "version, parent, algorithm, creation time, settings, metrics, chunk count, SHA-256)";
        }
        return null;
    }

    /**
     * Why a version number is implausible, or null: an unsigned version may be at most
     * {@value #MAX_UNSIGNED_VERSION_JUMP} above the one in service ({@code served < 0}: none yet, any number).
     * A signed version's number is vouched for by the key.
     */
    public static String implausibleVersion(long version, long served, boolean signed) {
        if (version < 0) {
            return "version " + version + " is negative";
        }
        if (!signed && served >= 0 && version - served > MAX_UNSIGNED_VERSION_JUMP) {
            return "unsigned version " + version + " is more than " + MAX_UNSIGNED_VERSION_JUMP
                    + " above the version in service (" + served + ")";
        }
        return null;
    }

    /**
     * The records that publish {@code payload}: copies of {@code header} (whose payload, chunk, checksum and
     * signature fields are replaced) carrying consecutive chunks of at most {@code chunkBytes} each.
     *
     * @param hmacKey signing key, or null/empty to publish unsigned
     */
    public static List<ModelVersion> chunks(ModelVersion header, byte[] payload, int chunkBytes, String hmacKey) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be >= 1, got " + chunkBytes);
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("a model payload of " + payload.length + " bytes exceeds the "
                    + MAX_PAYLOAD_BYTES + " bytes readers accept");
        }
        int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
        if (count > MAX_CHUNKS) {
            throw new IllegalArgumentException(payload.length + " bytes in chunks of " + chunkBytes + " make "
                    + count + " chunks; readers accept at most " + MAX_CHUNKS);
        }
        ModelVersion signedHeader = ModelVersion.newBuilder(header).setChunkIndex(0).setChunkCount(count)
                .setSha256(sha256(payload)).setSignature(null).build();
        String signature = hmacKey == null || hmacKey.isEmpty() ? null : sign(hmacKey, signedHeader);
        List<ModelVersion> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int to = Math.min(payload.length, from + chunkBytes);
            out.add(ModelVersion.newBuilder(signedHeader)
                    .setChunkIndex(i)
                    .setPayload(ByteBuffer.wrap(payload, from, to - from).slice())
                    .setSignature(signature)
                    .build());
        }
        return out;
    }

    /**
     * What a publisher sends, in one transaction, to publish the chunks of one version: each chunk under its
     * system's chunk-slot key ({@link Topics#modelVersionKey}), then a tombstone for every further slot up to
     * {@value #MAX_CHUNKS}. Compaction thereby keeps one version per system on the topic (the newest), instead
     * of every version ever published; the slots of an older, longer version do not outlive it.
     */
    public static List<ProducerRecord<String, ModelVersion>> records(List<ModelVersion> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("no chunks to publish");
        }
        ModelVersion first = chunks.get(0);
        List<ProducerRecord<String, ModelVersion>> out = new ArrayList<>(MAX_CHUNKS);
        for (ModelVersion chunk : chunks) {
            out.add(new ProducerRecord<>(Topics.MODEL_VERSIONS.name(), Topics.modelVersionKey(chunk), chunk));
        }
        for (int slot = first.getChunkCount(); slot < MAX_CHUNKS; slot++) {
            out.add(new ProducerRecord<>(Topics.MODEL_VERSIONS.name(),
                    Topics.modelVersionKey(first.getSystem(), slot), null));
        }
        return out;
    }
}
