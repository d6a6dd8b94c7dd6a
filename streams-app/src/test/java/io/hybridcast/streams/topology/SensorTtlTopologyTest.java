package io.hybridcast.streams.topology;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/** sensor.ttl on the real topology: idle sensors leave every store, with tombstones; a flood stays bounded. */
class SensorTtlTopologyTest {

    /** Every per-sensor store of the forecaster. */
    private static final List<String> STORES = List.of(StoreNames.SENSOR_STATE, StoreNames.CONTEXT_SETS,
            StoreNames.PENDING_FORECASTS, StoreNames.LATEST_FORECASTS, StoreNames.SENSOR_PHYSICS,
            StoreNames.ANOMALY_HISTORY);
    /** Every per-point store of the forecaster (keyed by {@link SequenceKey}). */
    private static final List<String> POINT_STORES = List.of(StoreNames.ZP_HISTORY, StoreNames.PENDING_ENTRIES);

    @TempDir
    Path stateDir;

    private static StreamsSettings settings() {
        return StreamsSettings.fromMap(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.size", "1", "sensor.ttl", "60m"), "test");
    }

    private static SensorReading at(String id, long seq, long eventTimeMs, double value) {
        SensorReading r = reading(id, SystemKind.PENDULUM, seq, value);
        r.setEventTime(java.time.Instant.ofEpochMilli(eventTimeMs));
        return r;
    }

    @Test
    void aSensorPastItsTtlLeavesEveryStoreWithTombstones() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        try (TopologyFixture fixture = new TopologyFixture(settings(), registry, stateDir)) {
            long t0 = TopologyFixture.T0.toEpochMilli();
            for (long s = 0; s < 60; s++) {
                fixture.pipe(at("gone", s, t0 + s * 100, 0.8 * Math.sin(0.25 * s)));
                fixture.pipe(at("alive", s, t0 + s * 100, 0.8 * Math.cos(0.25 * s)));
            }
            fixture.advanceWallClock(Duration.ofSeconds(1));
            assertThat(fixture.forecasts()).extracting(f -> f.getSensorId()).contains("gone");
            for (String store : STORES) {
                if (!store.equals(StoreNames.ANOMALY_HISTORY)) { // (only a sensor with anomalies has one)
                    assertThat(fixture.<Object>store(store).get("gone")).as(store).isNotNull();
                }
            }
            for (String store : POINT_STORES) {
                assertThat(SequencedStore.pointsOf(fixture.store(store), "gone")).as(store).isNotEmpty();
            }
            // two hours later only "alive" still reads; the wall clock moves with it (future-time validation)
            fixture.advanceWallClock(Duration.ofHours(2));
            assertThat(fixture.<Object>store(StoreNames.SENSOR_STATE).get("gone")).as("not idle in event time yet")
                    .isNotNull();
            long later = t0 + Duration.ofHours(2).toMillis();
            for (long s = 60; s < 70; s++) {
                fixture.pipe(at("alive", s, later + s * 100, 0.8 * Math.cos(0.25 * s)));
            }
            for (int i = 0; i < 3; i++) {
                fixture.advanceWallClock(SensorExpiry.SWEEP_EVERY);
            }

            for (String store : STORES) {
                assertThat(fixture.<Object>store(store).get("gone")).as(store).isNull();
            }
            for (String store : POINT_STORES) {
                assertThat(SequencedStore.pointsOf(fixture.store(store), "gone")).as(store).isEmpty();
                assertThat(SequencedStore.pointsOf(fixture.store(store), "alive")).as(store).isNotEmpty();
                // every point the sensor ever had ends with a tombstone in the changelog
                Map<String, byte[]> last = new java.util.HashMap<>();
                fixture.driver.createOutputTopic("topology-test-" + store + "-changelog", Serdes.String().deserializer(),
                        Serdes.ByteArray().deserializer()).readRecordsToList().stream()
                        .filter(r -> SequenceKey.sensorOf(r.key()).equals("gone"))
                        .forEach(r -> last.put(r.key(), r.value()));
                assertThat(last).as(store).isNotEmpty();
                last.forEach((key, value) -> assertThat(value).as(store + " " + key).isNull());
            }
            assertThat(fixture.<Object>store(StoreNames.SENSOR_STATE).get("alive")).isNotNull();
            for (String store : List.of(StoreNames.SENSOR_STATE, StoreNames.CONTEXT_SETS, StoreNames.LATEST_FORECASTS,
                    StoreNames.PENDING_FORECASTS, StoreNames.SENSOR_PHYSICS)) {
                List<TestRecord<String, byte[]>> changelog = fixture.driver.createOutputTopic(
                        "topology-test-" + store + "-changelog", Serdes.String().deserializer(),
                        Serdes.ByteArray().deserializer()).readRecordsToList();
                TestRecord<String, byte[]> lastOfGone = changelog.stream().filter(r -> r.key().equals("gone"))
                        .reduce((a, b) -> b).orElseThrow();
                assertThat(lastOfGone.value()).as(store + " changelog ends with a tombstone").isNull();
            }
            assertThat(fixture.metrics.count("hybridcast.sensors.expired")).isEqualTo(1.0);

            // it comes back afresh
            fixture.pipe(at("gone", 0, later + 7000, 0.1));
            fixture.advanceWallClock(Duration.ofMillis(100));
            SensorState back = fixture.<SensorState>store(StoreNames.SENSOR_STATE).get("gone");
            assertThat(back.readings()).isEqualTo(1);
        }
    }

    @Test
    void aFloodOfOneOffIdsStaysBoundedByTheTtl() throws Exception {
        // 5000 ids with one reading each, one every 3.6 s of event (and wall) time over 5 h; sensor.ttl = 1 h.
        // Kept: the ids of the last hour and of at most two sweeps before it (removal lags by <= 2 sweeps).
        int ids = 5000;
        long stepMs = 3600;
        try (TopologyFixture fixture = new TopologyFixture(settings(), new ModelRegistry(), stateDir)) {
            long t0 = TopologyFixture.T0.toEpochMilli();
            for (int i = 0; i < ids; i++) {
                fixture.pipe(at(String.format("flood-%06d", i), 0, t0 + i * stepMs, 0.1));
                fixture.advanceWallClock(Duration.ofMillis(stepMs));
            }
            fixture.advanceWallClock(SensorExpiry.SWEEP_EVERY);
            long kept = count(fixture.store(StoreNames.SENSOR_STATE));
            long withinTtl = Duration.ofHours(1).toMillis() / stepMs + 1;
            long lag = 2 * SensorExpiry.SWEEP_EVERY.toMillis() / stepMs + 1;
            assertThat(kept).isBetween(withinTtl, withinTtl + lag);
            assertThat(count(fixture.store(StoreNames.CONTEXT_SETS))).isLessThanOrEqualTo(kept);
            assertThat(fixture.metrics.count("hybridcast.sensors.expired")).isEqualTo((double) (ids - kept));
            // the newest are the ones kept
            assertThat(fixture.<Object>store(StoreNames.SENSOR_STATE).get(String.format("flood-%06d", ids - 1)))
                    .isNotNull();
            assertThat(fixture.<Object>store(StoreNames.SENSOR_STATE).get("flood-000000")).isNull();
        }
    }

    private static long count(ReadOnlyKeyValueStore<String, ?> store) {
        long n = 0;
        try (KeyValueIterator<String, ?> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
