package io.hybridcast.streams.swap;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TinyModels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.hybridcast.streams.swap.ModelSwapperRefusalTest.chunk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unverified chunks are bounded (per version and in total, oldest incomplete version evicted), and anything a
 * version throws while it is loaded, even an {@link OutOfMemoryError}, refuses that version only: the version
 * in service keeps serving and a later version is still taken.
 */
class ModelSwapperLimitsTest {

    final byte[] payload = "a model bundle".getBytes(StandardCharsets.UTF_8);
    final AtomicInteger loads = new AtomicInteger();
    final AppMetrics metrics = AppMetrics.inMemory();
    final ModelRegistry registry = new ModelRegistry();

    ModelSwapper swapper() {
        return new ModelSwapper(registry, (header, bytes) -> {
            loads.incrementAndGet();
            throw new IllegalStateException("not a bundle");
        }, StreamsSettings.fromMap(Map.of("model.allow.unsigned", "true"), "test"), metrics);
    }

    @Test
    void aVersionDeclaringTooManyChunksIsRefused() {
        ModelSwapper swapper = swapper();
        assertThat(swapper.accept(chunk(1, 0, ModelPayloads.MAX_CHUNKS + 1, payload, "x", null)))
                .isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("at most " + ModelPayloads.MAX_CHUNKS);
        assertThat(swapper.pendingVersions()).isZero();
    }

    @Test
    void incompleteVersionsAreBoundedAndTheOldestIsEvicted() {
        ModelSwapper swapper = swapper();
        String sha = PayloadVerifier.sha256(payload);
        for (long v = 1; v <= 20; v++) {
            assertThat(swapper.accept(chunk(v, 0, 2, payload, sha, null))).isEqualTo(ModelSwapper.Outcome.INCOMPLETE);
        }
        assertThat(swapper.pendingVersions()).isEqualTo(ModelSwapper.MAX_PENDING_VERSIONS);
        assertThat(metrics.count("hybridcast.model.versions", "system", "PENDULUM", "outcome", "evicted"))
                .isEqualTo(20 - ModelSwapper.MAX_PENDING_VERSIONS);
        // the newest ones are still complete-able, the evicted oldest are not
        assertThat(swapper.accept(chunk(1, 1, 2, new byte[0], sha, null))).isEqualTo(ModelSwapper.Outcome.INCOMPLETE);
        swapper.accept(chunk(20, 1, 2, new byte[0], sha, null));
        assertThat(loads).hasValue(1);
    }

    @Test
    void aVersionHoldingMoreThanTheLimitIsRefusedAndItsChunksDropped() {
        ModelSwapper swapper = swapper();
        byte[] big = new byte[(int) (ModelPayloads.MAX_PAYLOAD_BYTES / 2) + 1];
        assertThat(swapper.accept(chunk(1, 0, 2, big, "x", null))).isEqualTo(ModelSwapper.Outcome.INCOMPLETE);
        assertThat(swapper.accept(chunk(1, 1, 2, big, "x", null))).isEqualTo(ModelSwapper.Outcome.REFUSED);
        assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("more than " + ModelPayloads.MAX_PAYLOAD_BYTES);
        assertThat(swapper.pendingBytes()).isZero();
    }

    @Test
    void allIncompleteVersionsTogetherHoldAtMostTheTotalBound() {
        ModelSwapper swapper = swapper();
        byte[] part = new byte[20 * 1024 * 1024]; // the same array each time: the swapper holds references
        for (long v = 1; v <= 6; v++) {
            swapper.accept(chunk(v, 0, 2, part, "x", null));
            assertThat(swapper.pendingBytes()).isLessThanOrEqualTo(ModelSwapper.MAX_PENDING_BYTES);
        }
        assertThat(swapper.pendingVersions()).isEqualTo((int) (ModelSwapper.MAX_PENDING_BYTES / part.length));
    }

    @Test
    void anOutOfMemoryErrorWhileLoadingRefusesThatVersionAndTheServedOneKeepsServing() {
        StreamsSettings settings = StreamsSettings.fromMap(Map.of("pendulum.window.length", "20",
                "pendulum.horizon", "10", "model.hmac.key", "k"), "test");
        BundleModelLoader real = new BundleModelLoader();
        ModelSwapper swapper = new ModelSwapper(registry, (header, bytes) -> {
            if (header.getVersion() == 2) {
                throw new OutOfMemoryError("Java heap space (a hostile bundle)");
            }
            return real.load(header, bytes);
        }, settings, metrics);
        try {
            assertThat(swapper.accept(TinyModels.pendulumVersion(1, "k"))).isEqualTo(ModelSwapper.Outcome.ACCEPTED);
            assertThat(swapper.accept(TinyModels.pendulumVersion(2, "k"))).isEqualTo(ModelSwapper.Outcome.REFUSED);
            assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("OutOfMemoryError")
                    .contains("version 1 keeps serving");
            assertThat(registry.version(SystemKind.PENDULUM)).isEqualTo(1);
            assertThat(swapper.accept(TinyModels.pendulumVersion(3, "k"))).isEqualTo(ModelSwapper.Outcome.ACCEPTED);
        } finally {
            registry.close();
        }
    }
}
