package io.hybridcast.streams.swap;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Versions that fail verification never reach the loader, and are refused with a reason and a metric. */
class ModelSwapperRefusalTest {

    final byte[] payload = "a model bundle, in two chunks".getBytes(StandardCharsets.UTF_8);
    final AtomicInteger loads = new AtomicInteger();
    final AppMetrics metrics = AppMetrics.inMemory();
    final ModelRegistry registry = new ModelRegistry();

    ModelSwapper swapper(Map<String, String> settings) {
        return new ModelSwapper(registry, (header, bytes) -> {
            loads.incrementAndGet();
            throw new IllegalStateException("not a bundle");
        }, StreamsSettings.fromMap(settings, "test"), metrics);
    }

    static ModelVersion chunk(long version, int index, int count, byte[] part, String sha, String signature) {
        return ModelVersion.newBuilder().setSystem(SystemKind.PENDULUM).setVersion(version).setAlgorithm("test")
                .setSettingsJson("{}").setMetrics(Map.of()).setCreatedAt(Instant.EPOCH).setChunkIndex(index)
                .setChunkCount(count).setPayload(ByteBuffer.wrap(part)).setSha256(sha).setSignature(signature).build();
    }

    /** A one-chunk version of {@code payload}, signed over its metadata with {@code key}. */
    ModelVersion signed(long version, String key) {
        ModelVersion v = chunk(version, 0, 1, payload, PayloadVerifier.sha256(payload), null);
        v.setSignature(PayloadVerifier.sign(key, v));
        return v;
    }

    @Test
    void checksumMismatchIsRefusedBeforeLoading() {
        ModelSwapper swapper = swapper(Map.of("model.allow.unsigned", "true"));
        byte[] tampered = payload.clone();
        tampered[3] ^= 1;
        assertThat(swapper.accept(chunk(1, 0, 1, tampered, PayloadVerifier.sha256(payload), null)))
                .isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(loads).hasValue(0);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("SHA-256 mismatch")
                .contains("no model serves PENDULUM yet");
        assertThat(metrics.count("hybridcast.model.versions", "system", "PENDULUM", "outcome", "refused")).isEqualTo(1);
    }

    @Test
    void chunksAreReassembledInIndexOrderBeforeChecking() {
        ModelSwapper swapper = swapper(Map.of("model.allow.unsigned", "true"));
        byte[] first = Arrays.copyOfRange(payload, 0, 10);
        byte[] second = Arrays.copyOfRange(payload, 10, payload.length);
        String sha = PayloadVerifier.sha256(payload);
        assertThat(swapper.accept(chunk(2, 1, 2, second, sha, null))).isEqualTo(ModelSwapper.Outcome.INCOMPLETE);
        // complete and intact: it reaches the loader (which refuses it as not a bundle)
        assertThat(swapper.accept(chunk(2, 0, 2, first, sha, null))).isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(loads).hasValue(1);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("cannot load the payload");
    }

    @Test
    void signatureIsRequiredAndCheckedWhenAKeyIsConfigured() {
        ModelSwapper swapper = swapper(Map.of("model.hmac.key", "k1"));
        String sha = PayloadVerifier.sha256(payload);
        assertThat(swapper.accept(chunk(3, 0, 1, payload, sha, null))).isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("unsigned");
        assertThat(swapper.accept(signed(4, "other key"))).isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("signature does not match");
        assertThat(loads).hasValue(0);
        // signed with the right key: verification passes and the loader is reached
        swapper.accept(signed(5, "k1"));
        assertThat(loads).hasValue(1);
    }

    @Test
    void unsignedVersionsAreRefusedByDefaultNamingTheSetting() {
        ModelSwapper swapper = swapper(Map.of());
        assertThat(swapper.accept(chunk(1, 0, 1, payload, PayloadVerifier.sha256(payload), null)))
                .isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("model.allow.unsigned=true")
                .contains("model.hmac.key");
        assertThat(loads).hasValue(0);
    }

    @Test
    void unsignedVersionsReachTheLoaderWithTheSetting() {
        ModelSwapper swapper = swapper(Map.of("model.allow.unsigned", "true"));
        swapper.accept(chunk(1, 0, 1, payload, PayloadVerifier.sha256(payload), null));
        assertThat(loads).hasValue(1);
    }

    @Test
    void aSignedOldPayloadRepublishedUnderANewerVersionIsRefused() {
        ModelSwapper swapper = swapper(Map.of("model.hmac.key", "k1"));
        ModelVersion old = signed(3, "k1");
        // the same payload, checksum and signature, under a higher number (what an attacker without the key can do)
        ModelVersion replayed = ModelVersion.newBuilder(old).setVersion(9).build();
        assertThat(swapper.accept(replayed)).isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("signature does not match");
        ModelVersion maxed = ModelVersion.newBuilder(old).setVersion(Long.MAX_VALUE).build();
        assertThat(swapper.accept(maxed)).isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(loads).hasValue(0);
    }

    @Test
    void tamperedMetadataIsRefused() {
        ModelSwapper swapper = swapper(Map.of("model.hmac.key", "k1"));
        ModelVersion good = signed(3, "k1");
        for (ModelVersion tampered : new ModelVersion[] {
                ModelVersion.newBuilder(good).setAlgorithm("phys-vae").build(),
                ModelVersion.newBuilder(good).setParentVersion(2L).build(),
                ModelVersion.newBuilder(good).setCreatedAt(Instant.EPOCH.plusSeconds(1)).build(),
                ModelVersion.newBuilder(good).setSystem(SystemKind.DOUBLE_PENDULUM).build(),
                ModelVersion.newBuilder(good).setMetrics(Map.of("mse_pred", 0.0)).build()}) {
            assertThat(swapper.accept(tampered)).as(tampered.toString()).isEqualTo(ModelSwapper.Outcome.REFUSED);
            assertThat(swapper.lastRefusal(tampered.getSystem())).contains("signature does not match");
        }
        assertThat(loads).hasValue(0);
        swapper.accept(good);
        assertThat(loads).hasValue(1);
    }

    @Test
    void badChunkIndexIsRefused() {
        ModelSwapper swapper = swapper(Map.of());
        assertThat(swapper.accept(chunk(6, 2, 2, payload, "x", null))).isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("out of range");
    }

    @Test
    void signingCoversTheChunkCountAndEveryChunkOfAPublishedVersionVerifies() {
        ModelSwapper swapper = swapper(Map.of("model.hmac.key", "k1"));
        ModelVersion header = chunk(7, 0, 1, new byte[0], "", null);
        var chunks = ModelPayloads.chunks(header, payload, 8, "k1");
        assertThat(chunks).hasSize(4);
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(swapper.accept(chunks.get(i))).isEqualTo(ModelSwapper.Outcome.INCOMPLETE);
        }
        swapper.accept(chunks.get(chunks.size() - 1));
        assertThat(loads).hasValue(1); // verified, reached the loader
    }
}
