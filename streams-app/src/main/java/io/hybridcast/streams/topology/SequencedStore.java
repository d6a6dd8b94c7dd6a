package io.hybridcast.streams.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A changelogged store of immutable per-point records, keyed (sensor id, sequence) by {@link SequenceKey}: one
 * record written when a point is made, one tombstone when it goes. Why: a value per sensor that holds all its
 * points is rewritten whole at every commit that changes one of them (the z_p history gained one point per
 * forecast and was rewritten with up to api.history.size points; docs/decisions.md, "Changelog bytes").
 *
 * <p>Writes go through to the inner store at once (each point is written once, so there is nothing to merge per
 * commit), in the task's transaction like every other write. The processor reads a sensor's points from a cache
 * (one range scan when the sensor is first read), which stays equal to the store because every write passes
 * here; it is dropped whenever the processor is re-initialised, since the store may have been rewound under it.
 *
 * <p>Interactive queries (any thread) use the {@link ReadOnlyKeyValueStore} methods, which read the inner store;
 * {@link #pointsOf} is the one range scan of a sensor's points. Values are (de)coded here with the point's
 * {@link StateSerde}; the inner store keeps bytes, so a record of an older layout can be recognised by its format
 * version ({@link #rawGet}) and moved.
 *
 * @param <E> the point type
 */
public final class SequencedStore<E> extends WrappedStateStore<KeyValueStore<String, byte[]>, String, byte[]>
        implements ReadOnlyKeyValueStore<String, E> {

    private final Serializer<E> serializer;
    private final Deserializer<E> deserializer;
    private final Map<String, TreeMap<Long, E>> cache;

    private SequencedStore(KeyValueStore<String, byte[]> inner, StateSerde<E> serde, int capacity) {
        super(inner);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.serializer = serde.serializer();
        this.deserializer = serde.deserializer();
        this.cache = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TreeMap<Long, E>> eldest) {
                return size() > capacity; // written through: nothing to write back
            }
        };
    }

    /** A changelogged sequenced store over {@code inner}, caching the points of up to {@code capacity} sensors. */
    public static <E> StoreBuilder<SequencedStore<E>> builder(KeyValueBytesStoreSupplier inner, StateSerde<E> serde,
                                                              int capacity) {
        return new DelegatingStoreBuilder<>(Stores.keyValueStoreBuilder(inner, Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled(), store -> new SequencedStore<>(store, serde, capacity));
    }

    // ---- the processor's side (its stream thread only) ----

    /** The sensor's points by sequence, oldest first; read-only (change them with {@link #put} and {@link #delete}). */
    public NavigableMap<Long, E> read(String sensorId) {
        return Collections.unmodifiableNavigableMap(points(sensorId));
    }

    /**
     * The sensor's points as the cache holds them, for the processor's per-reading look-ups without a read-only
     * view and its iterators per call; the caller must not change the map (use {@link #put} and {@link #delete}).
     */
    NavigableMap<Long, E> cached(String sensorId) {
        return points(sensorId);
    }

    private TreeMap<Long, E> points(String sensorId) {
        TreeMap<Long, E> points = cache.get(sensorId);
        if (points == null) {
            points = new TreeMap<>();
            try (KeyValueIterator<String, byte[]> it = wrapped().range(SequenceKey.first(sensorId),
                    SequenceKey.last(sensorId))) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    points.put(SequenceKey.sequenceOf(kv.key), deserializer.deserialize(name(), kv.value));
                }
            }
            cache.put(sensorId, points);
        }
        return points;
    }

    /** Writes the point at {@code sequence} (to the changelog in this task's transaction). */
    public void put(String sensorId, long sequence, E point) {
        if (point == null) {
            throw new IllegalArgumentException("null point for " + sensorId + "#" + sequence + " (use delete)");
        }
        points(sensorId).put(sequence, point);
        wrapped().put(SequenceKey.of(sensorId, sequence), serializer.serialize(name(), point));
    }

    /** Deletes the point at {@code sequence}, with a tombstone to the changelog. */
    public void delete(String sensorId, long sequence) {
        if (points(sensorId).remove(sequence) != null) {
            wrapped().delete(SequenceKey.of(sensorId, sequence));
        }
    }

    /** Deletes every point of the sensor, each with a tombstone. */
    public void deleteAll(String sensorId) {
        for (Long sequence : new ArrayList<>(points(sensorId).keySet())) {
            delete(sensorId, sequence);
        }
    }

    /** Whether the sensor's points are cached (read or written since the processor started). */
    boolean isCached(String sensorId) {
        return cache.containsKey(sensorId);
    }

    /** Forgets the cached points of a sensor (they are read from the store again). */
    public void invalidate(String sensorId) {
        cache.remove(sensorId);
    }

    /** Forgets every cached point (the stores may have been rewound under the processor). */
    public void forgetAll() {
        cache.clear();
    }

    /** The stored bytes under a plain key (format byte first), for recognising a record of an older layout. */
    byte[] rawGet(String key) {
        return wrapped().get(key);
    }

    /** Deletes a plain key, with a tombstone (after moving an older layout's record). */
    void rawDelete(String key) {
        wrapped().delete(key);
    }

    @Override
    public void close() {
        forgetAll();
        super.close();
    }

    // ---- interactive queries (any thread) ----

    /** The points of {@code sensorId} in {@code store} (this store or a query's view of it), oldest first. */
    public static <E> List<E> pointsOf(ReadOnlyKeyValueStore<String, E> store, String sensorId) {
        List<E> out = new ArrayList<>();
        try (KeyValueIterator<String, E> it = store.range(SequenceKey.first(sensorId), SequenceKey.last(sensorId))) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    @Override
    public E get(String key) {
        byte[] bytes = wrapped().get(key);
        return bytes == null ? null : deserializer.deserialize(name(), bytes);
    }

    @Override
    public KeyValueIterator<String, E> range(String from, String to) {
        return decoding(wrapped().range(from, to));
    }

    @Override
    public KeyValueIterator<String, E> all() {
        return decoding(wrapped().all());
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    private KeyValueIterator<String, E> decoding(KeyValueIterator<String, byte[]> inner) {
        return new KeyValueIterator<>() {
            @Override
            public void close() {
                inner.close();
            }

            @Override
            public String peekNextKey() {
                return inner.peekNextKey();
            }

            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public KeyValue<String, E> next() {
                KeyValue<String, byte[]> kv = inner.next();
                return KeyValue.pair(kv.key, kv.value == null ? null : deserializer.deserialize(name(), kv.value));
            }
        };
    }
}
