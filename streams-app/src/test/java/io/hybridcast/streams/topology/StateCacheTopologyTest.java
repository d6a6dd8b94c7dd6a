package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forecaster keeps its stores' values deserialised and writes them back once per commit
 * ({@link WriteBehindStore}). With a cache
 * of one entry per store (every read of an interleaved sensor goes to the store and deserialises) and with
 * the default cache, the same input must give the same forecasts, the same anomalies and byte-for-byte the
 * same stored state: the cache may only save work, never change what is computed or written.
 */
class StateCacheTopologyTest {

    private record Run(List<Forecast> forecasts, List<Anomaly> anomalies, Map<String, byte[]> stored) {
    }

    private static Run run(Path stateDir, String cacheEntries) throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        StreamsSettings settings = StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.size", "3", "batch.max.latency.ms", "1000",
                "state.cache.entries", cacheEntries), "test");
        try (TopologyFixture fixture = new TopologyFixture(settings, registry, stateDir)) {
            List<Forecast> forecasts = new ArrayList<>();
            for (long s = 0; s < 90; s++) {
                for (int i = 0; i < 4; i++) {
                    if (i == 2 && s >= 50 && s < 53) {
                        continue; // a gap: the window and detectors start afresh
                    }
                    double value = 0.8 * Math.sin(0.25 * s + i) + (i == 1 && s == 70 ? 2.5 : 0); // and a spike
                    fixture.pipe(reading("s" + i, SystemKind.PENDULUM, s, value));
                }
                if (s % 7 == 0) {
                    fixture.advanceWallClock(Duration.ofMillis(1000));
                }
            }
            fixture.advanceWallClock(Duration.ofMillis(1000));
            forecasts.addAll(fixture.forecasts());
            Map<String, byte[]> stored = new HashMap<>();
            for (String sensor : List.of("s0", "s1", "s2", "s3")) {
                stored.put("state/" + sensor, SensorState.SERDE.serializer().serialize("", fixture
                        .<SensorState>store(StoreNames.SENSOR_STATE).get(sensor)));
                stored.put("context/" + sensor, ContextSet.SERDE.serializer().serialize("", fixture
                        .<ContextSet>store(StoreNames.CONTEXT_SETS).get(sensor)));
                stored.put("pending/" + sensor, ForecastScoring.SERDE.serializer().serialize("", fixture
                        .<ForecastScoring>store(StoreNames.PENDING_FORECASTS).get(sensor)));
                List<PendingForecasts.Entry> entries = PendingForecasts.of(fixture.store(StoreNames.PENDING_ENTRIES),
                        sensor);
                for (PendingForecasts.Entry e : entries) {
                    stored.put("entry/" + sensor + "#" + e.firstSequence(),
                            PendingForecasts.ENTRY_SERDE.serializer().serialize("", e));
                }
                for (ZpHistory.Point p : ZpHistory.of(fixture.store(StoreNames.ZP_HISTORY), sensor).points) {
                    stored.put("zp/" + sensor + "#" + p.sequence(), ZpHistory.SERDE.serializer().serialize("", p));
                }
            }
            Run run = new Run(forecasts, fixture.anomalies(), stored);
            registry.close();
            return run;
        }
    }

    @Test
    void theCacheChangesNothingThatIsComputedOrStored(@TempDir Path uncached, @TempDir Path cached) throws Exception {
        Run without = run(uncached, "1");
        Run with = run(cached, "10000");
        // one forecast per hop from sequence 39 to 89 (11) for three sensors, and 3 + 4 for the one with a gap
        assertThat(without.forecasts()).hasSize(40);
        assertThat(without.anomalies()).isNotEmpty();
        assertThat(with.forecasts()).isEqualTo(without.forecasts());
        assertThat(with.anomalies()).isEqualTo(without.anomalies());
        assertThat(with.stored().keySet()).isEqualTo(without.stored().keySet());
        with.stored().forEach((key, bytes) -> assertThat(bytes).as(key).isEqualTo(without.stored().get(key)));
    }
}
