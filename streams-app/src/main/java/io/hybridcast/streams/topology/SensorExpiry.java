package io.hybridcast.streams.topology;

import io.hybridcast.streams.AppMetrics;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sensor.ttl}: removes a sensor that has sent no reading for the TTL from every per-sensor store of its
 * task, with tombstones to the changelogs, so one-off or retired ids do not stay in the stores and changelogs
 * for ever.
 *
 * <p>Which clock: the sweep is <em>scheduled</em> on the wall clock (it must run even when the partition is
 * quiet), but a sensor's idleness is measured in <em>event time</em>: its last reading's event time against the
 * newest event time among the task's sensors. Not the wall clock, because after a downtime or during a backlog
 * every sensor looks idle until its queued readings are read, and the sweep would drop the whole fleet's state
 * (context windows, sensor-level physics) just before it comes back. Not Kafka Streams' stream time, because
 * that is the largest <em>record timestamp</em>, which no check bounds: one record stamped in the year 3000 would
 * expire every sensor of the partition. Event times are validated (at most validation.future.tolerance.ms ahead
 * of the wall clock), so one reading cannot move this clock far. A partition whose readings all stop expires
 * nothing, which is right: it grows no more either.
 *
 * <p>Bounded work: each sweep (every {@link #SWEEP_EVERY} of wall clock) reads at most {@link #SWEEP_MAX}
 * sensor states, resuming after the last key it read, and wraps around at the end; a full pass over n sensors
 * takes n / {@value #SWEEP_MAX} sweeps, so removal lags the TTL by at most two passes (the newest event time is
 * learnt during a pass). That keeps up with 3.6 million new ids an hour.
 */
final class SensorExpiry {

    private static final Logger LOG = LoggerFactory.getLogger(SensorExpiry.class);
    /** How often a sweep runs, wall clock. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    /** Sensor states read per sweep at most: bounds the pause of the stream thread (~10-20 ms). */
    static final int SWEEP_MAX = 10_000;
    /** How many removed ids one log line names (a flood must not flood the log too). */
    private static final int LOGGED_IDS = 5;

    private final ForecasterStores stores;
    private final long ttlMs;
    private final Counter expired;
    /** The newest event time among the sensors seen by the sweeps of this task so far. */
    private long newestEventTime = Long.MIN_VALUE;
    /** The last key the previous sweep read; null: start at the first key. */
    private String resumeAfter;

    SensorExpiry(ForecasterStores stores, Duration ttl, AppMetrics metrics) {
        this.stores = stores;
        this.ttlMs = ttl.toMillis();
        this.expired = Counter.builder("hybridcast.sensors.expired")
                .description("Sensors removed from the state stores after sensor.ttl without a reading")
                .register(metrics.registry());
    }

    /** Schedules the sweep on the processor's context. */
    void schedule(ProcessorContext<?, ?> context) {
        context.schedule(SWEEP_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
    }

    /** One bounded sweep; returns how many sensors it removed. */
    int sweep() {
        List<String> idle = new ArrayList<>();
        int read = 0;
        String last = null;
        try (KeyValueIterator<String, SensorState> it = resumeAfter == null ? stores.states.all()
                : stores.states.range(resumeAfter, null)) {
            while (it.hasNext() && read < SWEEP_MAX) {
                var kv = it.next();
                if (kv.key.equals(resumeAfter)) {
                    continue; // range() includes its start, which the previous sweep read
                }
                read++;
                last = kv.key;
                long time = kv.value.cursor().lastEventTime();
                newestEventTime = Math.max(newestEventTime, time);
                if (newestEventTime - time > ttlMs) {
                    idle.add(kv.key);
                }
            }
            // wrap around at the end of the store
            resumeAfter = it.hasNext() ? last : null;
        }
        int removed = 0;
        List<String> named = new ArrayList<>();
        for (String sensorId : idle) {
            // the store holds the state as of the last commit: a reading since then is in the processor's copy
            SensorState current = stores.states.read(sensorId);
            if (current == null || newestEventTime - current.cursor().lastEventTime() <= ttlMs) {
                continue;
            }
            stores.deleteSensor(sensorId);
            removed++;
            if (named.size() < LOGGED_IDS) {
                named.add(sensorId);
            }
        }
        if (removed > 0) {
            expired.increment(removed);
            LOG.info("Removed {} sensors with no reading for sensor.ttl = {} (e.g. {}); state and changelogs "
                    + "tombstoned", removed, Duration.ofMillis(ttlMs), named);
        }
        return removed;
    }
}
