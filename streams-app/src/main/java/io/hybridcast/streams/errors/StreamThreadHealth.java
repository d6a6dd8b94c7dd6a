package io.hybridcast.streams.errors;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /health} says about the stream threads: the uncaught-exception handler (which replaces a failed
 * thread) records each failure here.
 *
 * <p>Why: a record that fails outside the per-record handling makes the replaced thread re-read the same offset
 * and fail again, for ever, while the client's state stays RUNNING; {@code /health} said UP. Now one failure in
 * the last {@value #WINDOW_MS} ms makes it DEGRADED (still 200: a transient failure heals), {@value #DOWN_AFTER}
 * or more make it DOWN (503), so an orchestrator restarts the instance and an operator looks at the log.
 */
public final class StreamThreadHealth implements StreamsUncaughtExceptionHandler {

    /** The window over which failures count: 5 minutes. */
    public static final long WINDOW_MS = 5 * 60_000L;
    /** Failures within the window that make the instance DOWN. */
    public static final int DOWN_AFTER = 3;

    /** The status of the stream threads. */
    public enum Status { UP, DEGRADED, DOWN }

    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadHealth.class);

    private final Clock clock;
    private final Deque<Long> failures = new ArrayDeque<>();
    private long total;
    private String lastError;

    public StreamThreadHealth(Clock clock) {
        this.clock = clock;
    }

    /** Records the failure and replaces the thread. */
    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        LOG.error("Stream thread failed; replacing it", exception);
        synchronized (this) {
            failures.addLast(clock.millis());
            total++;
            lastError = String.valueOf(exception);
            if (lastError.length() > 500) {
                lastError = lastError.substring(0, 500) + "…";
            }
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** The status given the client's state (null: not started). */
    public synchronized Status status(KafkaStreams.State state) {
        if (state == null || state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.NOT_RUNNING) {
            return Status.DOWN;
        }
        int recent = recentFailures();
        return recent >= DOWN_AFTER ? Status.DOWN : recent > 0 ? Status.DEGRADED : Status.UP;
    }

    /** The body of {@code /health}. */
    public synchronized Map<String, Object> view(KafkaStreams.State state) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status(state).name());
        m.put("streams", String.valueOf(state));
        m.put("threadFailuresLast5Min", recentFailures());
        m.put("threadFailuresTotal", total);
        m.put("lastThreadError", lastError);
        return m;
    }

    private int recentFailures() {
        long from = clock.millis() - WINDOW_MS;
        while (!failures.isEmpty() && failures.peekFirst() < from) {
            failures.removeFirst();
        }
        return failures.size();
    }
}
