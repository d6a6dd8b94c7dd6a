package io.hybridcast.streams.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One of the forecaster's changelogged state stores, with the values its processor works on kept deserialised
 * and written back to the store (and so to its changelog) once per commit instead of once per change.
 *
 * <p>Why: every reading changes its sensor's state, and serialising the whole state (the 50-sample window, the
 * detectors) on every reading was the largest part of the forecaster's per-record cost outside inference
 * (JFR, docs/streams-app.md "Benchmark"). Kafka Streams' own record cache deduplicates the <em>bytes</em> per
 * commit, but only after every put has serialised the value.
 *
 * <p>How it stays exactly-once: Kafka Streams flushes every store's cache ({@link #flushCache()}) in the
 * task's commit preparation, before the changelog and output records are flushed and before the transaction
 * (and the input offsets in it) commits. This store writes its changed values to the inner store at that
 * moment, so each committed transaction holds the state as of its input offsets, exactly as with a put per
 * change. A task whose transaction fails is closed dirty and rebuilt from the changelog: the values changed
 * since the last commit are dropped with this instance, never written. The deserialised values are also
 * forgotten whenever the processor is re-initialised ({@link #forgetAll()}), because the stores may have been
 * rewound under it.
 *
 * <p>Two kinds of callers: the processor (one stream thread) uses {@link #read}, {@link #write} and
 * {@link #invalidate}; interactive queries (any thread) use the {@link ReadOnlyKeyValueStore} methods, which
 * read the inner store and so see the state as of the last commit, at most {@code commit.interval.ms} old.
 * The store deliberately is not a {@code KeyValueStore}: a plain {@code put} would bypass the deserialised
 * value and be overwritten by it at the next commit.
 *
 * <p>Bounded: beyond {@code capacity} values the least recently used one is written back (if changed) and
 * dropped; it is read from the store again when needed.
 *
 * <p>Quiet values early ({@link #writeBackUnchangedSince}): a value that has not changed for a while can be written
 * back between commits. At real time a sensor's next reading is usually further away than the next commit, so
 * writing its value once it is quiet costs no extra bytes, and takes the serialising and sending of the whole
 * fleet's state out of the commit, which the stream thread spends waiting for them (and every forecast with it).
 * Only a value whose next change is expected after the next commit is written early (its last interval between
 * changes against the last interval between commits): one that changes more often than the commits come (a
 * backlog, a fast sensor, the throughput run) waits for the commit, which writes it once for all its changes, where
 * writing it at every quiet moment would serialise it at almost every change.
 *
 * @param <V> the value type
 */
public final class WriteBehindStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V>
        implements ReadOnlyKeyValueStore<String, V> {

    private static final long NEVER = Long.MIN_VALUE;

    /** A value with when it last changed and the interval before that change (ns; -1: unknown). */
    private static final class Slot<V> {
        V value;
        long changedAt = NEVER;
        long interval = -1;

        Slot(V value) {
            this.value = value;
        }
    }

    private final Map<String, Slot<V>> values;
    /** Values changed since the last write-back that may be written early, least recently changed first. */
    private final LinkedHashMap<String, Slot<V>> changed = new LinkedHashMap<>(16, 0.75f, true);
    /** Values changed since the last write-back that wait for the commit (they change faster than commits come). */
    private final Map<String, Slot<V>> held = new HashMap<>();
    private LongSupplier clock = System::nanoTime;
    /** When the last commit's write-back ran (ns; NEVER: none yet) and the interval since the one before (-1: unknown). */
    private long lastCommit = NEVER;
    private long commitInterval = -1;

    private WriteBehindStore(KeyValueStore<String, V> inner, int capacity) {
        super(inner);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.values = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Slot<V>> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                if (changed.remove(eldest.getKey()) != null | held.remove(eldest.getKey()) != null) {
                    wrapped().put(eldest.getKey(), eldest.getValue().value);
                }
                return true;
            }
        };
    }

    /**
     * A changelogged write-behind store over {@code inner} (persistent or in memory). Kafka Streams' record cache is off: this store already
     * writes each changed value once per commit, and a second cache would only copy the bytes again.
     */
    public static <V> StoreBuilder<WriteBehindStore<V>> builder(KeyValueBytesStoreSupplier inner, Serde<V> valueSerde,
                                                                int capacity) {
        return new DelegatingStoreBuilder<>(Stores.keyValueStoreBuilder(inner, Serdes.String(), valueSerde),
                store -> new WriteBehindStore<>(store, capacity));
    }

    // ---- the processor's side (its stream thread only) ----

    /** The current value of {@code key} as the processor last left it, or null. */
    public V read(String key) {
        Slot<V> slot = values.get(key);
        if (slot == null) {
            V value = wrapped().get(key);
            if (value != null) {
                values.put(key, new Slot<>(value));
            }
            return value;
        }
        return slot.value;
    }

    /**
     * Makes {@code value} the value of {@code key}; it reaches the store and its changelog at the next commit.
     * The processor may keep mutating the same object in place and write it again.
     */
    public void write(String key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value for " + key + " (this store does not delete)");
        }
        long now = clock.getAsLong();
        Slot<V> slot = values.get(key);
        if (slot == null) {
            slot = new Slot<>(value);
            values.put(key, slot);
        } else {
            slot.value = value;
            if (slot.changedAt != NEVER) {
                slot.interval = now - slot.changedAt;
            }
        }
        slot.changedAt = now;
        held.remove(key);
        changed.put(key, slot);
    }

    /**
     * Forgets the value of {@code key} without writing it: for a value mutated half-way by a failed change. The
     * next read returns what the store holds, i.e. the value as of the last commit or last write-back.
     */
    public void invalidate(String key) {
        values.remove(key);
        changed.remove(key);
        held.remove(key);
    }

    /**
     * Deletes {@code key} now: its cached value is dropped unwritten and the inner store gets a delete, which
     * reaches the changelog as a tombstone in the current transaction (so compaction removes the key).
     */
    public void delete(String key) {
        invalidate(key);
        wrapped().delete(key);
    }

    /** Forgets every value without writing any (the stores may have been rewound under the processor). */
    public void forgetAll() {
        values.clear();
        changed.clear();
        held.clear();
        lastCommit = NEVER;
        commitInterval = -1;
    }

    /** Number of values changed since the last write-back. */
    int pendingWrites() {
        return changed.size() + held.size();
    }

    /** Writes every changed value to the inner store, least recently changed first, and notes the commit's time. */
    void writeBack() {
        for (Map.Entry<String, Slot<V>> e : changed.entrySet()) {
            wrapped().put(e.getKey(), e.getValue().value);
        }
        for (Map.Entry<String, Slot<V>> e : held.entrySet()) {
            wrapped().put(e.getKey(), e.getValue().value);
        }
        changed.clear();
        held.clear();
        long now = clock.getAsLong();
        if (lastCommit != NEVER) {
            commitInterval = now - lastCommit;
        }
        lastCommit = now;
    }

    /**
     * Writes back now the values last changed at or before {@code nanos} (on this store's clock,
     * {@link System#nanoTime()}) whose next change is expected after the next commit; returns how many. The others
     * wait for the commit. They reach the changelog in the open transaction, as a put per change would, so
     * exactly-once is unchanged; a later change is written again.
     */
    public int writeBackUnchangedSince(long nanos) {
        int written = 0;
        long nextCommit = lastCommit == NEVER || commitInterval < 0 ? NEVER : lastCommit + commitInterval;
        for (Iterator<Map.Entry<String, Slot<V>>> it = changed.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Slot<V>> e = it.next();
            Slot<V> slot = e.getValue();
            if (slot.changedAt - nanos > 0) {
                break; // the rest changed later still
            }
            it.remove();
            if (slot.interval >= 0 && nextCommit != NEVER && slot.changedAt + slot.interval - nextCommit <= 0) {
                held.put(e.getKey(), slot); // expected to change again before the commit: the commit writes it once
            } else {
                wrapped().put(e.getKey(), slot.value);
                written++;
            }
        }
        return written;
    }

    /** The clock that stamps changes (tests). */
    void clock(LongSupplier clock) {
        this.clock = clock;
    }

    /** Called by Kafka Streams before every commit (and before a clean close): write back, then flush. */
    @Override
    public void flushCache() {
        writeBack();
        super.flushCache();
    }

    @Override
    public void close() {
        // a clean close committed (and so wrote back) first; anything changed since is from an aborted attempt
        forgetAll();
        super.close();
    }

    // ---- interactive queries (any thread): the inner store, as of the last write-back ----

    @Override
    public V get(String key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<String, V> all() {
        return wrapped().all();
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
