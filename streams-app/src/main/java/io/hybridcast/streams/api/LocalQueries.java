package io.hybridcast.streams.api;

import io.hybridcast.avro.Forecast;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.scoring.LiveScore;
import io.hybridcast.streams.topology.AnomalyHistory;
import io.hybridcast.streams.topology.ContextSet;
import io.hybridcast.streams.topology.ForecastOutput;
import io.hybridcast.streams.topology.PendingForecasts;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.StoreNames;
import io.hybridcast.streams.topology.TruthLog;
import io.hybridcast.streams.topology.ZpHistory;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What this instance's own stores say: one sensor's parts, a page of its sensors, its share of the fleet counts and
 * of the live score. {@link HttpApi} answers with these or gathers them from every instance.
 */
final class LocalQueries {

    private final StreamsSettings settings;
    private final Supplier<KafkaStreams> streams;

    LocalQueries(StreamsSettings settings, Supplier<KafkaStreams> streams) {
        this.settings = settings;
        this.streams = streams;
    }

    Object sensorPart(String id, String what) {
        return switch (what) {
            case "" -> {
                SensorState s = this.<SensorState>store(StoreNames.SENSOR_STATE).get(id);
                yield s == null ? null : sensorView(s);
            }
            case "forecast" -> {
                Forecast f = ForecastOutput.decode(this.<byte[]>store(StoreNames.LATEST_FORECASTS).get(id));
                yield f == null ? null : Views.forecast(f);
            }
            case "zp" -> Views.zp(ZpHistory.of(store(StoreNames.ZP_HISTORY), id));
            case "score" -> {
                SensorState s = this.<SensorState>store(StoreNames.SENSOR_STATE).get(id);
                if (s == null) {
                    yield null;
                }
                Map<String, Object> view = scoreOf(s).view();
                view.putAll(io.hybridcast.streams.scoring.AlarmTable.of(
                        this.<TruthLog>store(StoreNames.TRUTH).get(s.sensorId),
                        this.<AnomalyHistory>store(StoreNames.ANOMALY_HISTORY).get(s.sensorId),
                        slackSamples(s), onsetSamples(s), SensorSystems.of(s.system).sampleIntervalMillis()));
                yield view;
            }
            case "truth" -> Views.truth(this.<TruthLog>store(StoreNames.TRUTH).get(id));
            case "anomalies" -> Views.anomalies(this.<AnomalyHistory>store(StoreNames.ANOMALY_HISTORY).get(id));
            case "series" -> {
                SensorState s = this.<SensorState>store(StoreNames.SENSOR_STATE).get(id);
                yield s == null ? null : Views.series(s, PendingForecasts.of(store(StoreNames.PENDING_ENTRIES), id));
            }
            default -> null;
        };
    }

    Map<String, Object> sensorView(SensorState s) {
        ContextSet context = this.<ContextSet>store(StoreNames.CONTEXT_SETS).get(s.sensorId);
        return Views.sensor(s, settings.system(s.system), context == null ? 0 : context.windows.size(),
                this.<AnomalyHistory>store(StoreNames.ANOMALY_HISTORY).get(s.sensorId),
                this.<io.hybridcast.streams.topology.SensorPhysics>store(StoreNames.SENSOR_PHYSICS).get(s.sensorId));
    }

    LiveScore.Totals scoreOf(SensorState s) {
        return LiveScore.score(s, this.<TruthLog>store(StoreNames.TRUTH).get(s.sensorId),
                ZpHistory.of(store(StoreNames.ZP_HISTORY), s.sensorId),
                this.<AnomalyHistory>store(StoreNames.ANOMALY_HISTORY).get(s.sensorId),
                slackSamples(s), onsetSamples(s), SensorSystems.of(s.system).sampleIntervalMillis());
    }

    /** A detection may come up to a window after a fault's end. */
    long slackSamples(SensorState s) {
        return settings.system(s.system).windowLength();
    }

    /** A lasting change is the new normal once the context set holds only windows after it. */
    long onsetSamples(SensorState s) {
        return (long) settings.system(s.system).windowLength() * (settings.system(s.system).contextWindows() + 1);
    }

    LiveScore.Totals localScore() {
        LiveScore.Totals totals = new LiveScore.Totals();
        try (KeyValueIterator<String, SensorState> all = this.<SensorState>store(StoreNames.SENSOR_STATE).all()) {
            all.forEachRemaining(kv -> totals.add(scoreOf(kv.value)));
        }
        return totals;
    }

    /** A page of this instance's sensors: at most {@code limit} per local partition are read. */
    List<Map<String, Object>> localSensors(SensorPages.Request page) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SensorState s : SensorPages.localPage(localStatePartitions(), page)) {
            out.add(sensorView(s));
        }
        return out;
    }

    /** The sensor-state store of each partition this instance serves actively. */
    List<ReadOnlyKeyValueStore<String, SensorState>> localStatePartitions() {
        KafkaStreams streams = this.streams.get();
        if (streams == null) {
            throw new InvalidStateStoreException("streams not started");
        }
        List<ReadOnlyKeyValueStore<String, SensorState>> out = new ArrayList<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                for (TopicPartition tp : task.topicPartitions()) {
                    if (tp.topic().equals(Topics.SENSOR_READINGS.name())) {
                        out.add(streams.store(StoreQueryParameters.fromNameAndType(StoreNames.SENSOR_STATE,
                                QueryableStoreTypes.<String, SensorState>keyValueStore()).withPartition(tp.partition())));
                    }
                }
            }
        }
        return out;
    }

    /** Sensors by status and anomalies by kind over this instance's sensors, counted as they stream by. */
    Map<String, Object> localFleet() {
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> anomalies = new TreeMap<>();
        long sensors = 0;
        ReadOnlyKeyValueStore<String, AnomalyHistory> history = store(StoreNames.ANOMALY_HISTORY);
        try (KeyValueIterator<String, SensorState> all = this.<SensorState>store(StoreNames.SENSOR_STATE).all()) {
            while (all.hasNext()) {
                SensorState s = all.next().value;
                sensors++;
                byStatus.merge(s.status().name(), 1L, Long::sum);
                AnomalyHistory h = history.get(s.sensorId);
                if (h != null) {
                    h.countsByKind.forEach((kind, n) -> anomalies.merge(kind, n, Long::sum));
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sensors", sensors);
        m.put("byStatus", byStatus);
        m.put("anomaliesByKind", anomalies);
        return m;
    }

    <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        KafkaStreams streams = this.streams.get();
        if (streams == null) {
            throw new InvalidStateStoreException("streams not started");
        }
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }
}
