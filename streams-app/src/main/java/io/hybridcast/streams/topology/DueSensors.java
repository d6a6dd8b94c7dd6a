package io.hybridcast.streams.topology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The forecaster's batching: which sensors are due for inference, in the order they became due, and when the
 * batch of them is to be inferred. In micro-batches (the default): when it is full or the oldest has waited
 * batch.max.latency.ms (checked on every record and by a wall-clock punctuator), so no sensor waits for others that
 * are not due yet; with a latency of 0 each sensor runs as soon as it is due. In rounds: also at once when its round
 * is complete, and a nearly complete round waits for the rest ({@link DueRound}). Which sensors are due is also kept
 * in each sensor's changelogged state, so a restart finds them again ({@link #restore}).
 */
final class DueSensors {

    private final int maxSize;
    private final long maxLatencyMs;
    /** batch.mode=round: complete rounds run at once and nearly complete ones wait for the rest. */
    private final boolean rounds;
    private final Set<String> due = new LinkedHashSet<>();
    /** Which sensors hop together: completes batches early, holds nearly complete ones a little longer. */
    private final DueRound round;
    /** Wall-clock time at which the oldest sensor in {@link #due} became due. */
    private long oldestDueAtMs;
    /** Wall-clock time at which the newest sensor in {@link #due} became due. */
    private long newestDueAtMs;
    /** Every sensor of the round is due (set when the last one becomes due, cleared by {@link #drain}). */
    private boolean roundComplete;

    DueSensors(int maxSize, long maxLatencyMs, boolean rounds) {
        this.maxSize = maxSize;
        this.maxLatencyMs = maxLatencyMs;
        this.rounds = rounds;
        this.round = new DueRound(maxLatencyMs);
    }

    /** Forgets everything (the processor is re-initialised); {@code now} starts the latency clock. */
    void reset(long now) {
        due.clear();
        round.clear();
        roundComplete = false;
        oldestDueAtMs = now;
    }

    /** A sensor that was due when the task last stopped. */
    void restore(String sensorId) {
        due.add(sensorId);
    }

    /** The sensor became due at wall-clock {@code now}. */
    void add(String sensorId, long now) {
        if (due.isEmpty()) {
            oldestDueAtMs = now;
        }
        newestDueAtMs = now;
        due.add(sensorId);
        if (rounds) {
            roundComplete |= round.becameDue(sensorId, now, due.size());
        }
    }

    /**
     * Whether the batch runs now, after a record at wall-clock {@code now}: it is full or its round complete, or (in
     * micro-batches) its oldest sensor has waited batch.max.latency.ms.
     */
    boolean runsNow(long now) {
        return due.size() >= maxSize || roundComplete
                || (!rounds && !due.isEmpty() && now - oldestDueAtMs >= maxLatencyMs);
    }

    /**
     * The latency trigger: the oldest due sensor has waited batch.max.latency.ms, unless the batch holds most of
     * its round and is still filling ({@link DueRound#worthWaitingFor}): then it waits for the rest, up to
     * {@link DueRound#WAIT_FACTOR} times as long. A round that a commit or a model call interrupted while it
     * streamed in would otherwise be split into two calls, each with the call's full fixed cost. A fleet whose
     * sensors hop at scattered times never has most of its round due at once and keeps the plain latency bound.
     */
    boolean latencyTriggerFires(long now) {
        long waited = now - oldestDueAtMs;
        if (due.isEmpty() || waited < maxLatencyMs) {
            return false;
        }
        if (!rounds) {
            return true;
        }
        return waited >= DueRound.WAIT_FACTOR * maxLatencyMs
                || !round.worthWaitingFor(due.size(), now - newestDueAtMs);
    }

    /** Takes the due sensors for a batch, in the order they became due (empty when none). */
    List<String> drain(long now) {
        roundComplete = false;
        if (due.isEmpty()) {
            return List.of();
        }
        round.forgetSilent(now);
        List<String> out = new ArrayList<>(due);
        due.clear();
        return out;
    }
}
