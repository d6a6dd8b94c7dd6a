package io.hybridcast.streams.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where and how the forecaster keeps each sensor's state: the store type and folder, the write-behind cache in
 * front of it, and how long a silent sensor's state is kept. Declared here, loaded, layered and validated with
 * every other setting by {@link StreamsSettings}.
 */
public final class StateSettings {

    private StateSettings() {
    }

    public static final Setting<Path> STATE_DIR = new Setting<>("state.dir",
            "Folder for the local state stores (RocksDB); restored from the changelogs when empty.",
            "state/streams", text -> Path.of(Setting.nonBlank().apply(text)), false);

    public static final Setting<Long> STATE_WRITEBACK_QUIET_MS = new Setting<>("state.writeback.quiet.ms",
            "A sensor's state unchanged for this long (wall clock, ms) is written to its store and changelog at once "
                    + "instead of at the next commit, so a commit need not serialise, send and wait for the whole "
                    + "fleet's state while every forecast waits for it; -1: only at commits. A sensor changed more "
                    + "often than this, or whose changes come faster than the commits (its last interval between "
                    + "changes against the last interval between commits), is still written once per commit.",
            "10", Setting.longBetween(-1, 600_000), false);

    public static final Setting<Integer> STATE_CACHE_ENTRIES = new Setting<>("state.cache.entries",
            "Deserialised state values kept per store and task (least recently used beyond this are written back "
                    + "if changed and read from the store again when needed); changed values reach the store and its "
                    + "changelog once per commit.", "10000",
            Setting.intBetween(1, 10_000_000), false);

    public static final Setting<String> STATE_STORE_TYPE = new Setting<>("state.store.type",
            "rocksdb (default): the forecaster's state on local disk, restored at a restart from its checkpoint and "
                    + "the changelog's tail, any fleet size; in_memory: on the heap (every sensor's windows, context "
                    + "set, pending forecasts and z_p history), no RocksDB writes or flushes at each commit (less CPU "
                    + "per reading: docs/streams-app.md), restored from the whole changelog at every start (standby "
                    + "replicas keep fail-over fast). Both are changelogged: nothing is lost either way.",
            "rocksdb", Setting.oneOf("rocksdb", "in_memory"), false);

    public static final Setting<Duration> SENSOR_TTL = new Setting<>("sensor.ttl",
            "A sensor with no reading for this long (in event time: behind the newest reading its stream task has "
                    + "accepted) is removed from every per-sensor store, with tombstones to their changelogs; a "
                    + "later reading starts it afresh (warming up). Bounds the state that one-off or retired ids "
                    + "leave behind. E.g. 24h, 90m, 7d.", "24h",
            Setting.durationBetween(Duration.ofMinutes(1), Duration.ofDays(3650)), false);

    /** Every state setting, in the order they are listed. */
    static final List<Setting<?>> ALL = List.of(STATE_DIR, STATE_STORE_TYPE, STATE_CACHE_ENTRIES,
            STATE_WRITEBACK_QUIET_MS, SENSOR_TTL);
}
