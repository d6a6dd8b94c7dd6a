package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.SystemKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fleet of live simulated sensors publishing to Kafka (or any {@link FleetSink}), usable in-process:
 *
 * <pre>{@code
 * try (FleetSimulator fleet = FleetSimulator.builder()
 *         .bootstrapServers(broker.bootstrapServers())
 *         .pendulums(4).advectionDiffusion(1).doublePendulums(1)
 *         .rate(Rate.times(10)).seed(1).build().start()) {
 *     ... fleet.stats().readingsPerSecond() ...
 * }
 * }</pre>
 *
 * Sensors are named {@code pendulum-<i>}, {@code advection-diffusion-<i>} and {@code double-pendulum-<i>}.
 * Each draws its hidden parameters from the documented ranges (docs/simulator.md) with its own random stream
 * derived from the seed, and samples in event-time order across the fleet. One simulation thread;
 * {@link #close} stops it, flushes and closes the sink.
 */
public final class FleetSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetSimulator.class);

    private final FleetBuilder settings;
    private final Scenario scenario;
    private final FleetSink sink;
    private final List<SimulatedSensor> sensors;
    private final FleetStats stats = new FleetStats();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopRequested;
    private volatile Throwable failure;
    private boolean closed;

    FleetSimulator(FleetBuilder settings, Scenario scenario, FleetSink sink, List<SimulatedSensor> sensors) {
        this.settings = settings;
        this.scenario = scenario;
        this.sink = new CountingSink(sink, stats);
        this.sensors = sensors;
        this.thread = new Thread(this::run, "fleet-simulator");
        this.thread.setDaemon(true);
        sensors.forEach(s -> s.bindReadingCounter(stats.sensorCounter(s.id())));
    }

    /** A builder with defaults: 1 pendulum, real time, seed 0, no faults, no limit. */
    public static FleetBuilder builder() {
        return new FleetBuilder();
    }

    /** Starts simulating in the background; returns this. */
    public synchronized FleetSimulator start() {
        if (thread.getState() != Thread.State.NEW) {
            throw new IllegalStateException("fleet already started");
        }
        stats.started();
        thread.start();
        LOG.info("Fleet of {} sensors started: rate {}, seed {}, max records {}, duration {}", sensors.size(),
                settings.rate, settings.seed, settings.maxRecords == 0 ? "unlimited" : settings.maxRecords,
                settings.duration == null ? "unlimited" : settings.duration);
        return this;
    }

    /** Waits until the record or duration limit is reached (or the run failed); true if it finished. */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The error that ended the run, if any. */
    public Throwable failure() {
        return failure;
    }

    /** Counters: readings, truth, acknowledgements, rate, per sensor. */
    public FleetStats.Snapshot stats() {
        return stats.snapshot();
    }

    /**
     * CPU time the simulation threads spent so far in their loops (simulating, encoding, handing records to the sink),
     * added when each thread ends; 0 while they run or where the JVM does not measure thread CPU time.
     */
    public long simulationCpuNanos() {
        return stats.simulationCpuNanos.sum();
    }

    /**
     * Every fault and event of this run (the scenario's and the random ones), sequence numbers counted from each
     * sensor's first sample of the run.
     */
    public Scenario scenario() {
        return scenario;
    }

    /** Sequence number of each sensor's first sample of this run (0, or after the last one published before). */
    public Map<String, Long> firstSequences() {
        Map<String, Long> first = new LinkedHashMap<>();
        sensors.forEach(s -> first.put(s.id(), s.firstSequence()));
        return first;
    }

    /** Ids of the sensors, in fleet order. */
    public List<String> sensorIds() {
        return sensors.stream().map(SimulatedSensor::id).toList();
    }

    /** Sensor id to system kind. */
    public Map<String, SystemKind> sensorKinds() {
        Map<String, SystemKind> kinds = new LinkedHashMap<>();
        sensors.forEach(s -> kinds.put(s.id(), s.kind()));
        return kinds;
    }

    private void run() {
        AtomicLong budget = new AtomicLong();
        SensorGroupLoop loop = new SensorGroupLoop(new SensorGroupLoop.Pacing(settings.rate,
                settings.startEventTime, settings.duration, settings.maxRecords, settings.tolerance), sink, stats,
                () -> stopRequested || failure != null, this::fail);
        try {
            int threads = Math.min(settings.threads, sensors.size());
            List<List<SimulatedSensor>> groups = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                groups.add(new ArrayList<>());
            }
            for (int i = 0; i < sensors.size(); i++) {
                groups.get(i % threads).add(sensors.get(i));
            }
            List<Thread> helpers = new ArrayList<>();
            // every group starts together: with a record limit, the first thread would otherwise use up the
            // shared budget before the others are scheduled (1000 records take about 2 ms to simulate)
            CyclicBarrier start = new CyclicBarrier(threads);
            for (int i = 1; i < threads; i++) {
                List<SimulatedSensor> group = groups.get(i);
                Thread helper = new Thread(() -> {
                    awaitStart(start);
                    loop.run(group, budget, threads);
                }, "fleet-simulator-" + i);
                helper.setDaemon(true);
                helper.start();
                helpers.add(helper);
            }
            awaitStart(start);
            loop.run(groups.get(0), budget, threads);
            for (Thread helper : helpers) {
                helper.join();
            }
            sink.flush();
        } catch (Throwable t) {
            fail(t);
        } finally {
            stats.finished();
            finished.countDown();
            FleetStats.Snapshot s = stats.snapshot();
            LOG.info("Fleet stopped: {} readings ({} acked, {} failed), {} truth records ({} acked) in {} s",
                    s.readingsGenerated(), s.readingsAcked(), s.readingsFailed(), s.truthsPublished(), s.truthsAcked(),
                    String.format("%.1f", s.elapsedSeconds()));
        }
    }

    private static void awaitStart(CyclicBarrier start) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before the simulation started", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("another simulation thread failed to start", e);
        }
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        LOG.error("Fleet simulation failed: {}", t.toString(), t);
    }

    /** Stops the simulation, waits for it, delivers what is pending and closes the sink. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopRequested = true;
        if (thread.getState() != Thread.State.NEW) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sink.close();
    }
}
