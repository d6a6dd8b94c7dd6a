package io.hybridcast.streams.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The forecaster's state stores as one task sees them. The per-sensor stores keep their values deserialised and
 * write them once per commit ({@link WriteBehindStore}); the per-point stores (z_p history, pending forecasts)
 * write each point once and cache what they read ({@link SequencedStore}); the latest forecasts are write-only.
 * The caches start empty
 * whenever the processor is (re)initialised, because the stores are the truth after a restore or dirty close.
 */
final class ForecasterStores {

    final WriteBehindStore<SensorState> states;
    final WriteBehindStore<ContextSet> contexts;
    final PendingForecasts pending;
    final KeyValueStore<String, byte[]> latest;
    /** The forecasts topic and the latest forecasts, encoded once for both. */
    final ForecastOutput output;
    final SequencedStore<ZpHistory.Point> zpHistory;
    final WriteBehindStore<AnomalyHistory> anomalyHistory;
    final WriteBehindStore<SensorPhysics> physics;
    private final List<WriteBehindStore<?>> writeBehind = new ArrayList<>();
    private final List<SequencedStore<?>> sequenced = new ArrayList<>();

    ForecasterStores(ProcessorContext<Object, Object> context) {
        this.states = open(context, StoreNames.SENSOR_STATE);
        this.contexts = open(context, StoreNames.CONTEXT_SETS);
        this.pending = new PendingForecasts(openSequenced(context, StoreNames.PENDING_ENTRIES),
                open(context, StoreNames.PENDING_FORECASTS));
        this.latest = context.getStateStore(StoreNames.LATEST_FORECASTS);
        this.output = new ForecastOutput(context, latest);
        this.zpHistory = openSequenced(context, StoreNames.ZP_HISTORY);
        this.anomalyHistory = open(context, StoreNames.ANOMALY_HISTORY);
        this.physics = open(context, StoreNames.SENSOR_PHYSICS);
    }

    private <V> WriteBehindStore<V> open(ProcessorContext<Object, Object> context, String name) {
        WriteBehindStore<V> store = context.getStateStore(name);
        store.forgetAll();
        writeBehind.add(store);
        return store;
    }

    private <E> SequencedStore<E> openSequenced(ProcessorContext<Object, Object> context, String name) {
        SequencedStore<E> store = context.getStateStore(name);
        store.forgetAll();
        sequenced.add(store);
        return store;
    }

    /**
     * Writes back the sensor states and forecast scorings last changed at or before {@code nanos}
     * (System.nanoTime), ahead of the commit ({@link WriteBehindStore#writeBackUnchangedSince}); returns how many.
     * Those two are written at every reading (nine tenths of the bytes a commit writes at real time) and every
     * change to them is followed by a write. The other stores change once a window or a forecast, and some of their
     * values are refined in place after a write (a context set's pooled embedding, a sensor's physics between
     * fusions): they stay with the commit, which writes them as they are then.
     */
    int writeBackUnchangedSince(long nanos) {
        return states.writeBackUnchangedSince(nanos) + pending.writeBackUnchangedSince(nanos);
    }

    /** Drops every cached value (on close). */
    void forgetAll() {
        writeBehind.forEach(WriteBehindStore::forgetAll);
        sequenced.forEach(SequencedStore::forgetAll);
    }

    /** Drops the cached values of a sensor whose processing failed half-way (the stores hold the truth). */
    void invalidate(String sensorId) {
        for (WriteBehindStore<?> store : writeBehind) {
            store.invalidate(sensorId);
        }
        for (SequencedStore<?> store : sequenced) {
            store.invalidate(sensorId);
        }
    }

    /** Removes the sensor from every store of the forecaster, with a tombstone to each changelog (sensor.ttl). */
    void deleteSensor(String sensorId) {
        for (WriteBehindStore<?> store : writeBehind) {
            store.delete(sensorId);
        }
        for (SequencedStore<?> store : sequenced) {
            store.deleteAll(sensorId);
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
