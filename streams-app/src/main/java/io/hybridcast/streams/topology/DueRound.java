package io.hybridcast.streams.topology;

import java.util.HashMap;
import java.util.Map;

/**
 * The round of one stream task: the sensors expected to become due for inference again soon, each with when it
 * last became due and how long its last hop took (wall clock). It tells the forecaster's batching two things:
 * when the round is complete (every member is due, so waiting for the latency trigger could only delay the batch
 * and, with a commit in between, split it into two model calls of the same fixed cost), and whether a batch is
 * worth holding past the latency trigger (it holds most of the round and is still filling).
 *
 * <p>A member whose next due time is late by more than its hop plus the batch latency has fallen silent or lags, and
 * leaves the round; one whose hop is not known yet (it was due once) leaves after twice the round's longest hop
 * plus the latency, or after {@link #MEMORY_MS} while no hop is known. Owned by one processor: not thread-safe.
 */
final class DueRound {

    /** How long a member whose hop is not known stays while no member's hop is known. */
    static final long MEMORY_MS = 60_000;
    /** Share of its round a batch must hold to wait for the rest past the latency trigger. */
    static final double NEARLY_COMPLETE = 0.9;
    /** How many times the batch latency a nearly complete, still filling batch may wait in all. */
    static final int WAIT_FACTOR = 4;

    /** When a sensor last became due and how long its last hop took, ms (-1 = not known yet). */
    private static final class Cadence {
        long lastDueAtMs;
        long hopMs = -1;
    }

    private final Map<String, Cadence> members = new HashMap<>();
    private final long latencyMs;

    DueRound(long latencyMs) {
        this.latencyMs = latencyMs;
    }

    /**
     * Records that {@code sensorId} became due at {@code now}, with {@code dueCount} sensors due including it.
     * Returns whether that completes the round. A sensor seen for the first time joins without completing it
     * (else the very first due sensor would be a complete round of one).
     */
    boolean becameDue(String sensorId, long now, int dueCount) {
        Cadence cadence = members.get(sensorId);
        boolean complete = false;
        if (cadence == null) {
            cadence = new Cadence();
            members.put(sensorId, cadence);
        } else {
            cadence.hopMs = now - cadence.lastDueAtMs;
            complete = dueCount >= members.size();
        }
        cadence.lastDueAtMs = now;
        return complete;
    }

    /** Whether a batch of {@code dueCount}, whose newest member became due {@code newestAgoMs} ago, should wait. */
    boolean worthWaitingFor(int dueCount, long newestAgoMs) {
        boolean nearlyComplete = members.size() > dueCount && dueCount >= NEARLY_COMPLETE * members.size();
        boolean stillFilling = newestAgoMs <= Math.max(1, latencyMs / 4);
        return nearlyComplete && stillFilling;
    }

    /** Drops the members that fell silent or lag (see the class comment). */
    void forgetSilent(long now) {
        long longestHop = -1;
        for (Cadence c : members.values()) {
            longestHop = Math.max(longestHop, c.hopMs);
        }
        long unknownHopLimit = longestHop < 0 ? MEMORY_MS : 2 * longestHop + latencyMs;
        members.values().removeIf(c -> now - c.lastDueAtMs > (c.hopMs < 0 ? unknownHopLimit : 2 * c.hopMs + latencyMs));
    }

    void clear() {
        members.clear();
    }
}
