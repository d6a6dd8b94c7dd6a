package io.hybridcast.streams.topology;

import io.hybridcast.avro.Forecast;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The forecaster's state stores as one task sees them. Every store but the write-only latest forecasts keeps
 * its values deserialised and writes them once per commit ({@link WriteBehindStore}); their caches start empty
 * whenever the processor is (re)initialised, because the stores are the truth after a restore or dirty close.
 */
final class ForecasterStores {

    final WriteBehindStore<SensorState> states;
    final WriteBehindStore<ContextSet> contexts;
    final WriteBehindStore<PendingForecasts> pending;
    final KeyValueStore<String, Forecast> latest;
    final WriteBehindStore<ZpHistory> zpHistory;
    final WriteBehindStore<AnomalyHistory> anomalyHistory;
    final WriteBehindStore<SensorPhysics> physics;
    private final List<WriteBehindStore<?>> writeBehind = new ArrayList<>();

    ForecasterStores(ProcessorContext<Object, Object> context) {
        this.states = open(context, StoreNames.SENSOR_STATE);
        this.contexts = open(context, StoreNames.CONTEXT_SETS);
        this.pending = open(context, StoreNames.PENDING_FORECASTS);
        this.latest = context.getStateStore(StoreNames.LATEST_FORECASTS);
        this.zpHistory = open(context, StoreNames.ZP_HISTORY);
        this.anomalyHistory = open(context, StoreNames.ANOMALY_HISTORY);
        this.physics = open(context, StoreNames.SENSOR_PHYSICS);
    }

    private <V> WriteBehindStore<V> open(ProcessorContext<Object, Object> context, String name) {
        WriteBehindStore<V> store = context.getStateStore(name);
        store.forgetAll();
        writeBehind.add(store);
        return store;
    }

    /** Drops every cached value (on close). */
    void forgetAll() {
        writeBehind.forEach(WriteBehindStore::forgetAll);
    }

    /** Drops the cached values of a sensor whose processing failed half-way (the stores hold the truth). */
    void invalidate(String sensorId) {
        for (WriteBehindStore<?> store : writeBehind) {
            store.invalidate(sensorId);
        }
    }

    /** Removes the sensor from every store of the forecaster, with a tombstone to each changelog (sensor.ttl). */
    void deleteSensor(String sensorId) {
        for (WriteBehindStore<?> store : writeBehind) {
            store.delete(sensorId);
        }
        latest.delete(sensorId);
    }

    /** The sensor's physics, empty when it has none yet. */
    SensorPhysics physicsOf(String sensorId) {
        SensorPhysics p = physics.read(sensorId);
        return p == null ? new SensorPhysics() : p;
    }

    /** The sensor's context set, empty when it has none yet. */
    ContextSet contextOf(String sensorId) {
        ContextSet contextSet = contexts.read(sensorId);
        return contextSet == null ? new ContextSet() : contextSet;
    }
}
