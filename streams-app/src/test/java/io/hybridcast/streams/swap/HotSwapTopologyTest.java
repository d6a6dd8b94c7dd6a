package io.hybridcast.streams.swap;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.topology.ContextSet;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.StoreNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot swap mid-stream with real model bundles: no model yet (readings kept as context, "waiting for a
 * model"), v1 arrives and serves, v2 replaces it between batches, a corrupt v3 and an unsigned v4 are refused
 * while v2 keeps serving, and no reading is lost on the way.
 */
class HotSwapTopologyTest {

    @TempDir
    Path stateDir;

    @Test
    void versionsSwapBetweenBatchesAndBadOnesAreRefused() {
        StreamsSettings settings = StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.latency.ms", "100", "model.hmac.key", "secret"), "test");
        ModelRegistry registry = new ModelRegistry();
        ModelSwapper swapper = new ModelSwapper(registry, new BundleModelLoader(), settings,
                io.hybridcast.streams.AppMetrics.inMemory());
        try (TopologyFixture f = new TopologyFixture(settings, registry, stateDir)) {
            long piped = 0;
            for (long s = 0; s < 40; s++) {
                for (String id : List.of("a", "b")) {
                    f.pipe(reading(id, SystemKind.PENDULUM, s, Math.sin(0.2 * s)));
                    piped++;
                }
            }
            f.advanceWallClock(Duration.ofMillis(100));
            assertThat(f.forecasts()).isEmpty();
            assertThat(f.<SensorState>store(StoreNames.SENSOR_STATE).get("a").status())
                    .isEqualTo(SensorState.Status.WAITING_FOR_MODEL);

            assertThat(swapper.accept(TinyModels.pendulumVersion(1, "secret"))).isEqualTo(ModelSwapper.Outcome.ACCEPTED);
            for (long s = 40; s < 45; s++) {
                for (String id : List.of("a", "b")) {
                    f.pipe(reading(id, SystemKind.PENDULUM, s, Math.sin(0.2 * s)));
                    piped++;
                }
            }
            f.advanceWallClock(Duration.ofMillis(100));
            List<Forecast> v1 = f.forecasts();
            assertThat(v1).hasSize(2).allSatisfy(x -> {
                assertThat(x.getModelVersion()).isEqualTo(1);
                assertThat(x.getContextSize()).isEqualTo(2); // the context gathered while waiting was kept
            });

            assertThat(swapper.accept(TinyModels.pendulumVersion(2, "secret"))).isEqualTo(ModelSwapper.Outcome.ACCEPTED);
            ModelVersion corrupt = TinyModels.pendulumVersion(3, "secret");
            byte[] bytes = corrupt.getPayload().array().clone();
            bytes[bytes.length / 2] ^= 0x5A;
            corrupt.setPayload(ByteBuffer.wrap(bytes));
            assertThat(swapper.accept(corrupt)).isEqualTo(ModelSwapper.Outcome.REFUSED);
            assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("SHA-256 mismatch")
                    .contains("version 2 keeps serving");
            assertThat(swapper.accept(TinyModels.pendulumVersion(4, null))).isEqualTo(ModelSwapper.Outcome.REFUSED);
            assertThat(swapper.lastRefusal(SystemKind.PENDULUM)).contains("unsigned");
            assertThat(swapper.accept(TinyModels.pendulumVersion(1, "secret")))
                    .isEqualTo(ModelSwapper.Outcome.IGNORED_OLDER);
            assertThat(registry.version(SystemKind.PENDULUM)).isEqualTo(2);

            for (long s = 45; s < 50; s++) {
                for (String id : List.of("a", "b")) {
                    f.pipe(reading(id, SystemKind.PENDULUM, s, Math.sin(0.2 * s)));
                    piped++;
                }
            }
            f.advanceWallClock(Duration.ofMillis(100));
            assertThat(f.forecasts()).hasSize(2).allSatisfy(x -> {
                assertThat(x.getModelVersion()).isEqualTo(2);
                assertThat(x.getFirstSequence()).isEqualTo(50);
            });
            // the context embeddings were recomputed under the new version
            assertThat(f.<ContextSet>store(StoreNames.CONTEXT_SETS).get("a").pooledVersion).isEqualTo(2);
            // no reading lost or refused on the way
            assertThat(f.deadLetters()).isEmpty();
            long accepted = f.<SensorState>store(StoreNames.SENSOR_STATE).get("a").readings()
                    + f.<SensorState>store(StoreNames.SENSOR_STATE).get("b").readings();
            assertThat(accepted).isEqualTo(piped);
        } finally {
            registry.close();
        }
    }
}
