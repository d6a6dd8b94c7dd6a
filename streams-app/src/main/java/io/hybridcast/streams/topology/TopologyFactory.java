package io.hybridcast.streams.topology;

import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.StateSettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.validation.DeadLetters;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.function.Function;

/**
 * Builds the streams app's topology: a pure function of its settings, the model registry and the metrics,
 * kept apart from {@code main} so tests run exactly this topology.
 *
 * <pre>
 * sensor-readings (raw bytes) -> forecaster --> forecasts
 *                                     |      --> anomalies
 *                                     |      --> dead-letters
 *                                  eight changelogged stores: per sensor (state, context set, physics,
 *                                  forecast scoring, anomaly history) written once per commit
 *                                  ({@link WriteBehindStore}); per point (z_p history, pending forecasts)
 *                                  written once each ({@link SequencedStore}); the latest forecasts
 * </pre>
 * Readings are consumed as raw bytes and decoded by the forecaster, so a record that cannot be decoded is
 * still a record: it reaches dead-letters with its coordinates instead of failing the app.
 */
public final class TopologyFactory {

    static final String SOURCE = "sensor-readings-source";
    static final String FORECASTER = "forecaster";
    static final String TRUTH_SOURCE = "sensor-truth-source";
    static final String TRUTH_RECORDER = "truth-recorder";
    static final String FORECASTS_SINK = "forecasts-sink";
    static final String ANOMALIES_SINK = "anomalies-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    private TopologyFactory() {
    }

    /** The topology of the streams app. */
    public static Topology buildTopology(StreamsSettings settings, ModelRegistry models, AppMetrics metrics) {
        Topology topology = new Topology();
        int capacity = settings.get(StateSettings.STATE_CACHE_ENTRIES);
        Function<String, KeyValueBytesStoreSupplier> stores = storeSupplier(settings);
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.SENSOR_READINGS.name());
        topology.addProcessor(FORECASTER, () -> new ForecasterProcessor(settings, models, metrics), SOURCE);
        topology.addStateStore(WriteBehindStore.builder(stores.apply(StoreNames.SENSOR_STATE), SensorState.SERDE, capacity), FORECASTER);
        topology.addStateStore(WriteBehindStore.builder(stores.apply(StoreNames.CONTEXT_SETS), ContextSet.SERDE, capacity), FORECASTER);
        topology.addStateStore(WriteBehindStore.builder(stores.apply(StoreNames.PENDING_FORECASTS), ForecastScoring.SERDE, capacity), FORECASTER);
        // points written once each, not rewritten with their sensor's other points (docs/decisions.md, "Changelog bytes")
        topology.addStateStore(SequencedStore.builder(stores.apply(StoreNames.PENDING_ENTRIES), PendingForecasts.ENTRY_SERDE, capacity), FORECASTER);
        // the forecasts' topic bytes, encoded once for the topic and the store (ForecastOutput)
        topology.addStateStore(store(stores, StoreNames.LATEST_FORECASTS, Serdes.ByteArray()), FORECASTER);
        topology.addStateStore(SequencedStore.builder(stores.apply(StoreNames.ZP_HISTORY), ZpHistory.SERDE, capacity), FORECASTER);
        // the sensor-level physics in a store of its own: it changes once per disjoint window, the state every reading
        topology.addStateStore(WriteBehindStore.builder(stores.apply(StoreNames.SENSOR_PHYSICS), SensorPhysics.SERDE, capacity), FORECASTER);
        topology.addStateStore(WriteBehindStore.builder(stores.apply(StoreNames.ANOMALY_HISTORY), AnomalyHistory.SERDE, capacity), FORECASTER);
        // ground truth, when a simulator publishes it: kept beside the sensor's state for live scoring
        topology.addSource(TRUTH_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.SENSOR_TRUTH.name());
        topology.addProcessor(TRUTH_RECORDER, () -> new TruthProcessor(settings.get(StreamsSettings.HISTORY_SIZE),
                metrics), TRUTH_SOURCE);
        topology.addStateStore(store(stores, StoreNames.TRUTH, TruthLog.SERDE), TRUTH_RECORDER);
        topology.addSink(FORECASTS_SINK, Topics.FORECASTS.name(), Topics.FORECASTS.keySerde().serializer(),
                Serdes.ByteArray().serializer(), FORECASTER);
        topology.addSink(ANOMALIES_SINK, Topics.ANOMALIES.name(), Topics.ANOMALIES.keySerde().serializer(),
                Topics.ANOMALIES.valueSerde().serializer(), FORECASTER);
        topology.addSink(DEAD_LETTERS_SINK, Topics.DEAD_LETTERS.name(), DeadLetters.KEY_SERIALIZER,
                Topics.DEAD_LETTERS.valueSerde().serializer(), FORECASTER, TRUTH_RECORDER);
        return topology;
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(Function<String, KeyValueBytesStoreSupplier> stores,
                                                                    String name, Serde<V> valueSerde) {
        // changelogged (the default): state survives restarts and moves with its task
        return Stores.keyValueStoreBuilder(stores.apply(name), Serdes.String(), valueSerde).withCachingEnabled();
    }

    /** The inner stores of the state.store.type: RocksDB on local disk, or the heap (both changelogged). */
    private static Function<String, KeyValueBytesStoreSupplier> storeSupplier(StreamsSettings settings) {
        return settings.get(StateSettings.STATE_STORE_TYPE).equals("in_memory")
                ? Stores::inMemoryKeyValueStore : Stores::persistentKeyValueStore;
    }
}
