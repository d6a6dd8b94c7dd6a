package io.hybridcast.simulator.fleet;

import io.hybridcast.simulator.physics.GroundTruthIntegrator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * The simulation loop of one thread: samples one group of sensors in event-time order, paced to the wall clock
 * at the fleet's rate, until the record budget shared by the threads, the duration or a stop ends it. A sensor
 * belongs to one group, so its samples stay in order and its state stays with its thread.
 */
final class SensorGroupLoop {

    /** Most records a thread takes from the shared budget at a time. */
    static final int BUDGET_CHUNK = 64;

    /** The fleet's limits and pace, as the loop needs them. */
    record Pacing(Rate rate, Instant startEventTime, Duration duration, long maxRecords, double tolerance) {
    }

    private final Pacing pacing;
    private final FleetSink sink;
    private final FleetStats stats;
    private final BooleanSupplier stopped;
    private final Consumer<Throwable> fail;

    /**
     * @param stopped true once the fleet is asked to stop or has failed
     * @param fail    records the error that ends the run
     */
    SensorGroupLoop(Pacing pacing, FleetSink sink, FleetStats stats, BooleanSupplier stopped,
                    Consumer<Throwable> fail) {
        this.pacing = pacing;
        this.sink = sink;
        this.stats = stats;
        this.stopped = stopped;
        this.fail = fail;
    }

    /** Runs the group until a limit; {@code budget} counts the records taken by every thread. */
    void run(List<SimulatedSensor> group, AtomicLong budget, int threads) {
        GroundTruthIntegrator integrator = new GroundTruthIntegrator(pacing.tolerance());
        PriorityQueue<SimulatedSensor> due = inEventTimeOrder(group);
        Rate rate = pacing.rate();
        long wallStart = stats.startNanos();
        long eventStart = pacing.startEventTime().toEpochMilli();
        long deadline = pacing.duration() == null ? Long.MAX_VALUE : wallStart + pacing.duration().toNanos();
        long max = pacing.maxRecords() == 0 ? Long.MAX_VALUE : pacing.maxRecords();
        long chunk = budgetChunk(rate, max, threads);
        boolean unpaced = rate.unpaced();
        // Records reserved from the shared budget and not used yet: reserving a few at a time keeps the threads from
        // contending for the budget on every record; the threads together still never exceed the limit.
        long reserved = 0;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long cpuStart = cpu.isCurrentThreadCpuTimeSupported() ? cpu.getCurrentThreadCpuTime() : -1;
        try {
            while (!stopped.getAsBoolean()) {
                SimulatedSensor sensor = due.poll();
                if (!unpaced) {
                    long target = wallStart + (long) ((sensor.nextEventMillis() - eventStart) * 1e6 / rate.speedup());
                    if (!pauseUntil(Math.min(target, deadline))) {
                        break;
                    }
                }
                if (deadline != Long.MAX_VALUE && System.nanoTime() >= deadline) {
                    break;
                }
                // Reserve a record before taking the sample so that threads together never exceed the limit.
                if (reserved == 0 && (reserved = reserve(budget, max, chunk)) == 0) {
                    break;
                }
                if (sensor.step(sink, integrator)) {
                    reserved--;
                    stats.countReading(sensor.readingCounter());
                } // else a dropout publishes nothing and keeps its reservation
                due.add(sensor);
                if (!unpaced) {
                    sink.sendPending(); // a paced reading goes out now, not with the next few
                }
                sink.poll();
            }
        } catch (Throwable t) {
            fail.accept(t);
        } finally {
            try {
                sink.sendPending();
            } catch (Throwable t) {
                fail.accept(t);
            }
            if (cpuStart >= 0) {
                stats.simulationCpuNanos.add(cpu.getCurrentThreadCpuTime() - cpuStart);
            }
        }
    }

    /**
     * Event-time order, ties by sensor id: the id order is ranked once, so a tie (every pendulum sample ties)
     * costs an int comparison instead of a string comparison.
     */
    private static PriorityQueue<SimulatedSensor> inEventTimeOrder(List<SimulatedSensor> group) {
        List<SimulatedSensor> byId = new ArrayList<>(group);
        byId.sort(Comparator.comparing(SimulatedSensor::id));
        for (int i = 0; i < byId.size(); i++) {
            byId.get(i).rank = i;
        }
        PriorityQueue<SimulatedSensor> due = new PriorityQueue<>(Math.max(1, group.size()), (x, y) -> {
            int byTime = Long.compare(x.nextEventMillis(), y.nextEventMillis());
            return byTime != 0 ? byTime : Integer.compare(x.rank, y.rank);
        });
        due.addAll(group);
        return due;
    }

    /**
     * Records a thread takes from the shared budget at a time: one when paced (the budget is not contended then); when
     * unpaced, at most {@link #BUDGET_CHUNK} and at most 1/64 of a thread's share of a record limit, so that a small
     * limit is still shared between the threads' sensors as it was one record at a time.
     */
    private static long budgetChunk(Rate rate, long max, int threads) {
        if (!rate.unpaced()) {
            return 1;
        }
        return Math.max(1, Math.min(BUDGET_CHUNK, max / (threads * 64L)));
    }

    /** Takes up to a chunk of records from the shared budget; 0 when it is used up. */
    private static long reserve(AtomicLong budget, long max, long chunk) {
        while (true) {
            long used = budget.get();
            if (used >= max) {
                return 0;
            }
            long n = Math.min(chunk, max - used);
            if (budget.compareAndSet(used, used + n)) {
                return n;
            }
        }
    }

    /** Sleeps until the wall-clock target (nanoTime); false if asked to stop meanwhile. */
    private boolean pauseUntil(long targetNanos) {
        while (!stopped.getAsBoolean()) {
            long wait = targetNanos - System.nanoTime();
            if (wait <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(wait, 100_000_000L));
        }
        return false;
    }
}
