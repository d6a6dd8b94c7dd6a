package io.hybridcast.streams.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A per-sensor value kept deserialised and written back once per commit, like {@link WriteBehindStore}, but stored
 * in parts keyed (sensor, part) by {@link SequenceKey}, and at each write-back only the parts that changed. Why:
 * a sensor's forecast scoring holds the calibration of every horizon step, and an actual changes the two or three
 * steps its covering forecasts are at; written whole, it was about 1.1 KB per reading at real time, where a commit
 * holds one or two readings per sensor (docs/streams-app.md, "What a commit writes").
 *
 * <p>Exactly-once as in {@link WriteBehindStore}: the changed parts reach the inner store when Kafka Streams flushes
 * it before the commit; an invalidated value is read again as of the last write-back. A value stored whole under
 * the sensor's plain id by an older layout is read through {@link Codec#legacy}, and replaced by its parts at the
 * next write-back (its plain key gets a tombstone then, not before, so a failed change loses nothing).
 *
 * @param <V> the value type
 */
public final class PartedStore<V> extends WrappedStateStore<KeyValueStore<String, byte[]>, String, byte[]>
        implements ReadOnlyKeyValueStore<String, V> {

    /** How a value is split into parts and put together again. */
    public interface Codec<V> {
        /** Hands over each part changed since the last call (all of them for a new value), then forgets they changed. */
        void writeChanged(V value, BiConsumer<Long, byte[]> part);

        /** The value from its stored parts by part number, or null when they hold none. */
        V assemble(TreeMap<Long, byte[]> parts);

        /** A value stored whole by an older layout, with every part marked changed; null when it is not one. */
        V legacy(byte[] whole);
    }

    private final Codec<V> codec;
    private final Map<String, V> values;
    private final Set<String> changed = new LinkedHashSet<>();
    /** Sensors whose value came from an older layout's plain key: it is deleted at their write-back. */
    private final Set<String> legacy = new LinkedHashSet<>();

    private PartedStore(KeyValueStore<String, byte[]> inner, Codec<V> codec, int capacity) {
        super(inner);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.codec = codec;
        this.values = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                if (changed.remove(eldest.getKey())) {
                    writeBack(eldest.getKey(), eldest.getValue());
                }
                return true;
            }
        };
    }

    /** A changelogged parted store over {@code inner}, keeping up to {@code capacity} values deserialised. */
    public static <V> StoreBuilder<PartedStore<V>> builder(KeyValueBytesStoreSupplier inner, Codec<V> codec,
                                                           int capacity) {
        return new DelegatingStoreBuilder<>(Stores.keyValueStoreBuilder(inner, Serdes.String(), Serdes.ByteArray()),
                store -> new PartedStore<>(store, codec, capacity));
    }

    // ---- the processor's side (its stream thread only) ----

    /** The current value of the sensor as the processor last left it, or null. */
    public V read(String sensorId) {
        V value = values.get(sensorId);
        if (value == null) {
            value = load(sensorId, true);
            if (value != null) {
                values.put(sensorId, value);
            }
        }
        return value;
    }

    /** Makes {@code value} the sensor's value; its changed parts reach the store at the next commit. */
    public void write(String sensorId, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value for " + sensorId + " (use delete)");
        }
        values.put(sensorId, value);
        changed.add(sensorId);
    }

    /** Forgets the sensor's value without writing it (it is read from the store again). */
    public void invalidate(String sensorId) {
        values.remove(sensorId);
        changed.remove(sensorId);
        legacy.remove(sensorId);
    }

    /** Deletes every part of the sensor now, each with a tombstone (and an older layout's record). */
    public void delete(String sensorId) {
        invalidate(sensorId);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = wrapped().range(SequenceKey.first(sensorId),
                SequenceKey.last(sensorId))) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(wrapped()::delete);
        if (codec.legacy(rawOrEmpty(sensorId)) != null) {
            wrapped().delete(sensorId);
        }
    }

    /** Forgets every value without writing any (the stores may have been rewound under the processor). */
    public void forgetAll() {
        values.clear();
        changed.clear();
        legacy.clear();
    }

    private byte[] rawOrEmpty(String key) {
        byte[] bytes = wrapped().get(key);
        return bytes == null ? new byte[0] : bytes;
    }

    private V load(String sensorId, boolean processor) {
        TreeMap<Long, byte[]> parts = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> it = wrapped().range(SequenceKey.first(sensorId),
                SequenceKey.last(sensorId))) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                parts.put(SequenceKey.sequenceOf(kv.key), kv.value);
            }
        }
        V value = parts.isEmpty() ? null : codec.assemble(parts);
        if (value == null) {
            byte[] whole = wrapped().get(sensorId);
            value = whole == null ? null : codec.legacy(whole);
            if (value != null && processor) {
                legacy.add(sensorId);
                changed.add(sensorId);
            }
        }
        return value;
    }

    private void writeBack(String sensorId, V value) {
        codec.writeChanged(value, (part, bytes) -> wrapped().put(SequenceKey.of(sensorId, part), bytes));
        if (legacy.remove(sensorId)) {
            wrapped().delete(sensorId);
        }
    }

    /** Number of values changed since the last write-back. */
    int pendingWrites() {
        return changed.size();
    }

    /** Called by Kafka Streams before every commit (and before a clean close): write back, then flush. */
    @Override
    public void flushCache() {
        for (String sensorId : changed) {
            writeBack(sensorId, values.get(sensorId));
        }
        changed.clear();
        super.flushCache();
    }

    @Override
    public void close() {
        forgetAll();
        super.close();
    }

    // ---- interactive queries (any thread): the inner store, as of the last write-back ----

    /** The sensor's value as of the last write-back, or null. */
    @Override
    public V get(String sensorId) {
        return load(sensorId, false);
    }

    /** Not offered: a range of parts is not a range of values. */
    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        throw new UnsupportedOperationException(name() + " is read one sensor at a time (get)");
    }

    /** Not offered: a range of parts is not a range of values. */
    @Override
    public KeyValueIterator<String, V> all() {
        throw new UnsupportedOperationException(name() + " is read one sensor at a time (get)");
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
