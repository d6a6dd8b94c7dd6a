package io.hybridcast.streams.topology;

import org.apache.kafka.streams.state.KeyValueStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A write-through cache of deserialised values in front of one of the forecaster's state stores, owned by one
 * processor (one task, one stream thread).
 *
 * <p>Why: every record reads the sensor's state and its pending forecasts, and every store read deserialises
 * the whole value again (measured as the largest share of the forecaster's state path). Reads are served from
 * the objects this processor last read or wrote; every write still goes to the store at once, so the store,
 * its changelog and interactive queries see exactly what they saw before.
 *
 * <p>Correctness: the cache holds only values this processor instance wrote or read since {@link #clear()},
 * which the processor calls in {@code init} and {@code close}: Kafka Streams closes and re-initialises a task's
 * processors whenever its stores may have been rewound (a dirty close under exactly-once, a restore, a
 * migration), so a cached value is never older than the store. Callers mutate cached objects in place and put
 * them back; a caller that mutated a value and then failed must {@link #invalidate} the key, so that the next
 * read comes from the store and not the half-updated object. Bounded: least recently used entries are dropped
 * beyond {@code capacity} (they are simply read from the store again).
 *
 * @param <V> the value type
 */
final class CachedStore<V> {

    private final KeyValueStore<String, V> store;
    private final Map<String, V> cache;

    CachedStore(KeyValueStore<String, V> store, int capacity) {
        this.store = store;
        this.cache = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value of {@code key}, or null. */
    V get(String key) {
        V value = cache.get(key);
        if (value == null) {
            value = store.get(key);
            if (value != null) {
                cache.put(key, value);
            }
        }
        return value;
    }

    /** Writes {@code value} to the store (and its changelog) and keeps it for later reads. */
    void put(String key, V value) {
        store.put(key, value);
        cache.put(key, value);
    }

    /** Forgets the cached value of {@code key}: the next read deserialises it from the store. */
    void invalidate(String key) {
        cache.remove(key);
    }

    /** Forgets every cached value. */
    void clear() {
        cache.clear();
    }

    /** The store behind the cache. */
    KeyValueStore<String, V> store() {
        return store;
    }
}
