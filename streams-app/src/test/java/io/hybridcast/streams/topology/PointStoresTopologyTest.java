package io.hybridcast.streams.topology;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-point stores on the real topology, with sensors whose ids are prefixes of each other or hold the
 * characters a naive key would use: each sensor's z_p history holds its newest api.history.size points, the
 * older ones leave with a tombstone each (so the changelog stays bounded after compaction), pending forecasts
 * leave once their last step has passed, and a store rebuilt from the changelog (as a restore does) reads back the
 * same history and the same pending forecasts.
 */
class PointStoresTopologyTest {

    private static final List<String> SENSORS = List.of("s", "s1", "s#1", "0001s", "0001s8000000000000001",
            "é#:0000", "x".repeat(256));
    private static final int HISTORY = 3;

    @TempDir
    Path stateDir;
    @TempDir
    Path restoreDir;

    @Test
    void historiesStayBoundedByTombstonesAndARestoreReadsThemBack() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        StreamsSettings settings = StreamsSettings.fromMap(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.size", "1", "api.history.size", String.valueOf(HISTORY)), "test");
        try (TopologyFixture fixture = new TopologyFixture(settings, registry, stateDir)) {
            for (long s = 0; s < 80; s++) {
                for (int i = 0; i < SENSORS.size(); i++) {
                    fixture.pipe(reading(SENSORS.get(i), SystemKind.PENDULUM, s, 0.8 * Math.sin(0.25 * s + i)));
                }
                fixture.advanceWallClock(Duration.ofMillis(10));
            }
            Map<String, List<Long>> forecastAt = new HashMap<>();
            for (Forecast f : fixture.forecasts()) {
                forecastAt.computeIfAbsent(f.getSensorId(), k -> new ArrayList<>()).add(f.getFirstSequence() - 1);
            }
            List<TestRecord<String, byte[]>> zpLog = changelog(fixture, StoreNames.ZP_HISTORY);
            List<TestRecord<String, byte[]>> pendingLog = changelog(fixture, StoreNames.PENDING_ENTRIES);
            SequencedStore<ZpHistory.Point> zpRestored = restore(StoreNames.ZP_HISTORY, ZpHistory.SERDE, zpLog);
            SequencedStore<PendingForecasts.Entry> pendingRestored = restore(StoreNames.PENDING_ENTRIES,
                    PendingForecasts.ENTRY_SERDE, pendingLog);
            try {
                for (String id : SENSORS) {
                    List<Long> made = forecastAt.get(id);
                    assertThat(made).as(id).hasSizeGreaterThan(HISTORY + 2);
                    List<ZpHistory.Point> points = ZpHistory.of(fixture.store(StoreNames.ZP_HISTORY), id).points;
                    // the newest HISTORY forecasts, oldest first
                    assertThat(points).extracting(ZpHistory.Point::sequence).as(id)
                            .containsExactlyElementsOf(made.subList(made.size() - HISTORY, made.size()));
                    // one record per forecast and one tombstone for each point that fell out
                    Map<String, Integer> puts = new HashMap<>();
                    int tombstones = 0;
                    for (TestRecord<String, byte[]> r : zpLog) {
                        if (SequenceKey.sensorOf(r.key()).equals(id)) {
                            if (r.value() == null) {
                                tombstones++;
                            } else {
                                puts.merge(r.key(), 1, Integer::sum);
                            }
                        }
                    }
                    assertThat(puts).as(id).hasSize(made.size()).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
                    assertThat(tombstones).as(id).isEqualTo(made.size() - HISTORY);
                    assertThat(encoded(ZpHistory.of(zpRestored, id).points, ZpHistory.SERDE::serializer))
                            .as(id).isEqualTo(encoded(points, ZpHistory.SERDE::serializer));

                    // pending: only forecasts whose last step is still ahead of the sensor's last reading (79)
                    List<PendingForecasts.Entry> pending = PendingForecasts.of(
                            fixture.store(StoreNames.PENDING_ENTRIES), id);
                    assertThat(pending).as(id).isNotEmpty()
                            .allSatisfy(e -> assertThat(e.lastSequence()).isGreaterThan(79));
                    assertThat(pending).extracting(PendingForecasts.Entry::firstSequence).as(id).isSorted();
                    assertThat(encoded(PendingForecasts.of(pendingRestored, id), PendingForecasts.ENTRY_SERDE::serializer))
                            .as(id).isEqualTo(encoded(pending, PendingForecasts.ENTRY_SERDE::serializer));
                }
            } finally {
                zpRestored.close();
                pendingRestored.close();
            }
        }
        registry.close();
    }

    private static List<TestRecord<String, byte[]>> changelog(TopologyFixture fixture, String store) {
        return fixture.driver.createOutputTopic("topology-test-" + store + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
    }

    /** A fresh RocksDB store filled from the changelog in order, as Kafka Streams restores one. */
    private <E> SequencedStore<E> restore(String name, StateSerde<E> serde, List<TestRecord<String, byte[]>> log) {
        Properties config = new Properties();
        config.put("application.id", "restore-test");
        config.put("bootstrap.servers", "unused:9092");
        config.put("state.dir", restoreDir.toString());
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0),
                restoreDir.toFile());
        SequencedStore<E> store = SequencedStore.builder(Stores.persistentKeyValueStore(name), serde, 100)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        for (TestRecord<String, byte[]> r : log) {
            if (r.value() == null) {
                store.wrapped().delete(r.key());
            } else {
                store.wrapped().put(r.key(), r.value());
            }
        }
        return store;
    }

    private static <E> List<String> encoded(List<E> values,
                                            java.util.function.Supplier<org.apache.kafka.common.serialization.Serializer<E>> serializer) {
        List<String> out = new ArrayList<>();
        for (E v : values) {
            out.add(java.util.HexFormat.of().formatHex(serializer.get().serialize("", v)));
        }
        return out;
    }
}
