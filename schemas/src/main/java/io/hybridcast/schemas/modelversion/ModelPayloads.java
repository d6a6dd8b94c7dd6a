package io.hybridcast.schemas.modelversion;

import io.hybridcast.avro.ModelVersion;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * How a model payload travels on {@code model-versions}: split into chunks that each fit a Kafka message,
 * with the SHA-256 of the whole payload and, when a key is configured, its HMAC-SHA256 signature. The
 * publisher (trainer) and every reader (streams app, trainer) use this one definition.
 */
public final class ModelPayloads {

    /** Default chunk size: well under the topic's 4 MiB message limit, leaving room for the metadata. */
    public static final int DEFAULT_CHUNK_BYTES = 1024 * 1024;

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

    /** HMAC-SHA256 under {@code key} (UTF-8), lowercase hex. */
    public static String sign(String key, byte[] payload) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an HMAC key must not be empty");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
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
        String sha = sha256(payload);
        String signature = hmacKey == null || hmacKey.isEmpty() ? null : sign(hmacKey, payload);
        int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
        List<ModelVersion> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int to = Math.min(payload.length, from + chunkBytes);
            out.add(ModelVersion.newBuilder(header)
                    .setChunkIndex(i).setChunkCount(count)
                    .setPayload(ByteBuffer.wrap(payload, from, to - from).slice())
                    .setSha256(sha).setSignature(signature)
                    .build());
        }
        return out;
    }
}
