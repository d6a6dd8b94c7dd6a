package io.hybridcast.simulator.fleet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of a fleet run; thread-safe. Read a consistent-enough view with {@link #snapshot()}. */
public final class FleetStats {

    final LongAdder readingsGenerated = new LongAdder();
    final LongAdder readingsAcked = new LongAdder();
    final LongAdder readingsFailed = new LongAdder();
    final LongAdder truthsPublished = new LongAdder();
    final LongAdder truthsAcked = new LongAdder();
    final LongAdder truthsRetried = new LongAdder();
    final LongAdder sendRetries = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    /** CPU time of the simulation threads (simulating, encoding and handing records to the sink), once they end. */
    final LongAdder simulationCpuNanos = new LongAdder();
    private final Map<String, AtomicLong> readingsPerSensor = new ConcurrentHashMap<>();
    private volatile long startNanos = System.nanoTime();
    private volatile long endNanos;

    void started() {
        startNanos = System.nanoTime();
        endNanos = 0;
    }

    long startNanos() {
        return startNanos;
    }

    void finished() {
        endNanos = System.nanoTime();
    }

    /** The reading counter of one sensor, so that the loop counting its readings needs no map look-up each time. */
    AtomicLong sensorCounter(String sensorId) {
        return readingsPerSensor.computeIfAbsent(sensorId, k -> new AtomicLong());
    }

    /** One more reading of the sensor whose {@link #sensorCounter} this is. */
    void countReading(AtomicLong sensorCounter) {
        readingsGenerated.increment();
        sensorCounter.incrementAndGet();
    }

    /** The counters now. */
    public Snapshot snapshot() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        double seconds = Math.max(1e-9, (end - startNanos) / 1e9);
        Map<String, Long> perSensor = new LinkedHashMap<>();
        readingsPerSensor.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> perSensor.put(e.getKey(), e.getValue().get()));
        return new Snapshot(readingsGenerated.sum(), readingsAcked.sum(), readingsFailed.sum(), truthsPublished.sum(),
                truthsAcked.sum(), truthsRetried.sum(), sendRetries.sum(), bytesSent.sum(), seconds,
                Collections.unmodifiableMap(perSensor));
    }

    /**
     * Counters at one moment.
     *
     * @param readingsGenerated readings handed to the sink
     * @param readingsAcked     readings the broker acknowledged
     * @param readingsFailed    readings that failed for good (delivery timeout), each logged
     * @param truthsPublished   truth records created
     * @param truthsAcked       truth records the broker acknowledged
     * @param truthsRetried     truth sends that failed and were queued again
     * @param sendRetries       times a send waited for an unreachable broker
     * @param bytesSent         serialized key + value bytes handed to the producer
     * @param elapsedSeconds    wall time since start (until the end once finished)
     * @param readingsPerSensor readings generated per sensor id
     */
    public record Snapshot(long readingsGenerated, long readingsAcked, long readingsFailed, long truthsPublished,
                           long truthsAcked, long truthsRetried, long sendRetries, long bytesSent,
                           double elapsedSeconds, Map<String, Long> readingsPerSensor) {

        /** Acknowledged readings per wall-clock second. */
        public double readingsPerSecond() {
            return readingsAcked / elapsedSeconds;
        }

        /** Truth records created but not acknowledged yet. */
        public long truthsPending() {
            return truthsPublished - truthsAcked;
        }
    }
}
