package io.hybridcast.streams.config;

import java.util.List;
import java.util.Map;

/**
 * How instances of the streams app take over each other's sensors: standby replicas, how soon a silent instance
 * counts as gone, and how long its open transaction may hold readers back (docs/decisions.md "Fail-over in
 * seconds"). Declared here, loaded, layered and validated with every other setting by {@link StreamsSettings}.
 */
public final class FailOverSettings {

    private FailOverSettings() {
    }

    public static final Setting<Integer> STANDBY_REPLICAS = new Setting<>("num.standby.replicas",
            "Warm copies of each task's state kept on other instances (restored continuously from the changelogs), "
                    + "so a dead instance's sensors move to an instance that needs no restore. Costs a copy of the "
                    + "state and the changelog reads per replica; with a single instance no replica is placed.", "1",
            Setting.intBetween(0, 10), false);
    public static final Setting<Integer> SESSION_TIMEOUT_MS = new Setting<>("session.timeout.ms",
            "How long the group waits for a silent instance (killed, frozen, cut off) before its tasks move, ms. "
                    + "Lower moves them sooner but a pause longer than this (GC, a starved machine) costs a rebalance; "
                    + "the broker refuses values under its group.min.session.timeout.ms (6000 by default).", "6000",
            Setting.intBetween(1000, 1_800_000), false);
    public static final Setting<Integer> HEARTBEAT_INTERVAL_MS = new Setting<>("heartbeat.interval.ms",
            "How often an instance tells the group it is alive, ms; at most a third of session.timeout.ms.", "1500",
            Setting.intBetween(100, 600_000), false);
    public static final Setting<Integer> TRANSACTION_TIMEOUT_MS = new Setting<>("transaction.timeout.ms",
            "Exactly-once: how long a killed instance's open transaction can hold back every committed reader of the "
                    + "partitions it wrote to (forecasts, anomalies, changelogs) before the broker aborts it, ms. Must "
                    + "exceed commit.interval.ms; a transaction open longer (a stall) is aborted and its task moves.",
            "5000", Setting.intBetween(1000, 900_000), false);
    public static final Setting<Long> ACCEPTABLE_RECOVERY_LAG = new Setting<>("acceptable.recovery.lag",
            "Changelog records an instance's copy of a task may lag and still count as caught up: a task moves only "
                    + "to a caught-up instance (a standby), otherwise it stays and a warm-up copy is built first.",
            "10000", Setting.longBetween(0, Long.MAX_VALUE), false);

    /** Every fail-over setting, in the order they are listed. */
    static final List<Setting<?>> ALL = List.of(STANDBY_REPLICAS, SESSION_TIMEOUT_MS,
            HEARTBEAT_INTERVAL_MS, TRANSACTION_TIMEOUT_MS, ACCEPTABLE_RECOVERY_LAG);

    /** Kafka would refuse these at the first rebalance or commit, long after start-up: name them now. */
    static void check(Map<String, Object> typed, Map<String, String> sourceOf) {
        int session = (Integer) typed.get(SESSION_TIMEOUT_MS.key());
        int heartbeat = (Integer) typed.get(HEARTBEAT_INTERVAL_MS.key());
        if (heartbeat * 3L > session) {
            throw new SettingsException("heartbeat.interval.ms = " + heartbeat + " (from "
                    + sourceOf.get(HEARTBEAT_INTERVAL_MS.key()) + ") must be at most a third of session.timeout.ms = "
                    + session + " (from " + sourceOf.get(SESSION_TIMEOUT_MS.key()) + ")");
        }
        int transaction = (Integer) typed.get(TRANSACTION_TIMEOUT_MS.key());
        long commit = (Long) typed.get(StreamsSettings.COMMIT_INTERVAL_MS.key());
        if (transaction <= commit) {
            throw new SettingsException("transaction.timeout.ms = " + transaction + " (from "
                    + sourceOf.get(TRANSACTION_TIMEOUT_MS.key()) + ") must exceed commit.interval.ms = " + commit
                    + " (from " + sourceOf.get(StreamsSettings.COMMIT_INTERVAL_MS.key()) + "): every transaction would be aborted");
        }
    }
}
