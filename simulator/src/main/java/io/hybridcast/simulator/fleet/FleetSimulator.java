package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.simulator.physics.PhysicalSystems;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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

    private final Builder settings;
    private final Scenario scenario;
    private final FleetSink sink;
    private final List<SimulatedSensor> sensors;
    private final FleetStats stats = new FleetStats();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopRequested;
    private volatile Throwable failure;
    private boolean closed;

    private FleetSimulator(Builder settings, Scenario scenario, FleetSink sink, List<SimulatedSensor> sensors) {
        this.settings = settings;
        this.scenario = scenario;
        this.sink = new CountingSink(sink, stats);
        this.sensors = sensors;
        this.thread = new Thread(this::run, "fleet-simulator");
        this.thread.setDaemon(true);
        sensors.forEach(s -> s.bindReadingCounter(stats.sensorCounter(s.id())));
    }

    /** A builder with defaults: 1 pendulum, real time, seed 0, no faults, no limit. */
    public static Builder builder() {
        return new Builder();
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
                    runGroup(group, budget, threads);
                }, "fleet-simulator-" + i);
                helper.setDaemon(true);
                helper.start();
                helpers.add(helper);
            }
            awaitStart(start);
            runGroup(groups.get(0), budget, threads);
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

    /**
     * Samples one group of sensors in event-time order until a limit is reached. With several threads, each
     * runs one group; a sensor belongs to one group, so its samples stay in order and its state stays with it.
     */
    private void runGroup(List<SimulatedSensor> group, AtomicLong budget, int threads) {
        GroundTruthIntegrator integrator = new GroundTruthIntegrator(settings.tolerance);
        // Event-time order, ties by sensor id: the id order is ranked once, so a tie (every pendulum sample ties)
        // costs an int comparison instead of a string comparison.
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
        long wallStart = stats.startNanos();
        long eventStart = settings.startEventTime.toEpochMilli();
        long deadline = settings.duration == null ? Long.MAX_VALUE : wallStart + settings.duration.toNanos();
        long max = settings.maxRecords == 0 ? Long.MAX_VALUE : settings.maxRecords;
        long chunk = budgetChunk(settings.rate, max, threads);
        boolean unpaced = settings.rate.unpaced();
        // Records reserved from the shared budget and not used yet: reserving a few at a time keeps the threads from
        // contending for the budget on every record; the threads together still never exceed the limit.
        long reserved = 0;
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = cpu.isCurrentThreadCpuTimeSupported() ? cpu.getCurrentThreadCpuTime() : -1;
        try {
            while (!stopRequested && failure == null) {
                SimulatedSensor sensor = due.poll();
                if (!settings.rate.unpaced()) {
                    long target = wallStart + (long) ((sensor.nextEventMillis() - eventStart) * 1e6 / settings.rate.speedup());
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
            fail(t);
        } finally {
            try {
                sink.sendPending();
            } catch (Throwable t) {
                fail(t);
            }
            if (cpuStart >= 0) {
                stats.simulationCpuNanos.add(cpu.getCurrentThreadCpuTime() - cpuStart);
            }
        }
    }

    /** Most records a thread takes from the shared budget at a time. */
    static final int BUDGET_CHUNK = 64;

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

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        LOG.error("Fleet simulation failed: {}", t.toString(), t);
    }

    /** Sleeps until the wall-clock target (nanoTime); false if asked to stop meanwhile. */
    private boolean pauseUntil(long targetNanos) {
        while (!stopRequested) {
            long wait = targetNanos - System.nanoTime();
            if (wait <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(wait, 100_000_000L));
        }
        return false;
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

    /** Counts truth records on their way to the real sink (readings are counted by the loop). */
    private static final class CountingSink implements FleetSink {
        private final FleetSink target;
        private final FleetStats stats;

        CountingSink(FleetSink target, FleetStats stats) {
            this.target = target;
            this.stats = stats;
            target.bind(stats);
        }

        @Override
        public void reading(io.hybridcast.avro.SensorReading reading) {
            target.reading(reading);
        }

        @Override
        public void truth(io.hybridcast.avro.SensorTruth truth) {
            stats.truthsPublished.increment();
            target.truth(truth);
        }

        @Override
        public void sendPending() {
            target.sendPending();
        }

        @Override
        public void poll() {
            target.poll();
        }

        @Override
        public void flush() {
            target.flush();
        }

        @Override
        public void close() {
            target.close();
        }
    }

    /** Settings of a fleet; every setter validates and names the setting in its error. */
    public static final class Builder {
        private int pendulums = 1;
        private int advectionDiffusion;
        private int doublePendulums;
        private Rate rate = Rate.REAL_TIME;
        private Scenario scenario = Scenario.NONE;
        private long seed;
        private long maxRecords;
        private Duration duration;
        private Instant startEventTime;
        private String bootstrapServers;
        private FleetSink sink;
        private final Map<String, Object> producerConfig = new HashMap<>();
        private boolean createTopics = true;
        private int topicPartitions = 1;
        private int driftTruthInterval = 100;
        private Duration closeTimeout = Duration.ofSeconds(60);
        private int threads = 1;
        private double tolerance = GroundTruthIntegrator.DEFAULT_TOLERANCE;
        private int randomFaults;
        private Duration randomFaultsHorizon;
        private boolean resume = true;
        private KafkaClientConfig kafkaConfig = KafkaClientConfig.none();

        private Builder() {
        }

        /** Number of forced damped pendulums (default 1). */
        public Builder pendulums(int n) {
            this.pendulums = nonNegative("pendulums", n);
            return this;
        }

        /** Number of advection-diffusion lines (default 0). */
        public Builder advectionDiffusion(int n) {
            this.advectionDiffusion = nonNegative("advection-diffusion", n);
            return this;
        }

        /** Number of double pendulums (default 0). */
        public Builder doublePendulums(int n) {
            this.doublePendulums = nonNegative("double-pendulums", n);
            return this;
        }

        /** Pacing (default real time). */
        public Builder rate(Rate value) {
            this.rate = java.util.Objects.requireNonNull(value, "rate");
            return this;
        }

        /** Faults to inject (default none). */
        public Builder scenario(Scenario value) {
            this.scenario = java.util.Objects.requireNonNull(value, "scenario");
            return this;
        }

        /** Seed of every random draw (parameters, initial states, noise); same seed, same fleet. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Stop after this many readings in total; 0 (default) for no limit. */
        public Builder maxRecords(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("max-records must be >= 0 (0 = unlimited), got " + value);
            }
            this.maxRecords = value;
            return this;
        }

        /** Stop after this wall-clock time; null (default) for no limit. */
        public Builder duration(Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw new IllegalArgumentException("duration must be > 0, got " + value);
            }
            this.duration = value;
            return this;
        }

        /** Event time of sequence 0 of every sensor (default: the wall clock at build time). */
        public Builder startEventTime(Instant value) {
            this.startEventTime = value;
            return this;
        }

        /** Publish to this Kafka cluster (through a {@link KafkaFleetSink}). */
        public Builder bootstrapServers(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("bootstrap-servers must not be blank, got '" + value + "'");
            }
            this.bootstrapServers = value;
            return this;
        }

        /** Publish to this sink instead of Kafka (closed by the fleet). */
        public Builder sink(FleetSink value) {
            this.sink = value;
            return this;
        }

        /** A producer setting replacing the default of {@link KafkaFleetSink#defaultProducerConfig}. */
        public Builder producerConfig(String key, Object value) {
            producerConfig.put(key, value);
            return this;
        }

        /** Create the topics at start if missing (default true). */
        public Builder createTopics(boolean value) {
            this.createTopics = value;
            return this;
        }

        /** Partitions of topics this fleet creates (default 1). */
        public Builder topicPartitions(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("topic-partitions must be >= 1, got " + value);
            }
            this.topicPartitions = value;
            return this;
        }

        /** During a drift, truth is re-published every this many samples (default 100). */
        public Builder driftTruthInterval(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("drift-truth-interval must be >= 1, got " + value);
            }
            this.driftTruthInterval = value;
            return this;
        }

        /**
         * Simulation threads (default 1). Sensors are split between them; each sensor stays on one thread, so its
         * samples stay in order. More threads help only when simulating, not Kafka, is the bottleneck.
         */
        public Builder threads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + value);
            }
            this.threads = value;
            return this;
        }

        /** Absolute and relative tolerance of the ground-truth integrator (default 1e-10). */
        public Builder tolerance(double value) {
            if (!(value > 0 && value <= 1e-6)) {
                throw new IllegalArgumentException("tolerance must be in (0, 1e-6], got " + value);
            }
            this.tolerance = value;
            return this;
        }

        /**
         * Draw this many faults with the seed, cycling through every fault kind, plus some drive-off events (default
         * 0); see docs/simulator.md.
         */
        public Builder randomFaults(int n) {
            this.randomFaults = nonNegative("random-faults", n);
            return this;
        }

        /**
         * Event time over which random faults are spread (default: the duration times the speed-up, or 10 minutes
         * when the run has no duration or is unpaced).
         */
        public Builder randomFaultsHorizon(Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw new IllegalArgumentException("random-faults horizon must be > 0, got " + value);
            }
            this.randomFaultsHorizon = value;
            return this;
        }

        /**
         * On Kafka, continue each sensor's sequence after the last one on sensor-readings (default true); the
         * scenario's sequence numbers then count from the first sample of this run.
         */
        public Builder resume(boolean value) {
            this.resume = value;
            return this;
        }

        /** How long closing waits for undelivered truth (default 60 s). */
        public Builder closeTimeout(Duration value) {
            this.closeTimeout = value;
            return this;
        }

        /** Kafka client properties file (security settings) for the producer and admin client (default none). */
        public Builder kafkaConfig(KafkaClientConfig value) {
            this.kafkaConfig = java.util.Objects.requireNonNull(value, "kafka-config");
            return this;
        }

        /** Checks the settings and the scenario against the fleet, creates topics, builds the sensors. */
        public FleetSimulator build() {
            int total = pendulums + advectionDiffusion + doublePendulums;
            if (total < 1) {
                throw new IllegalArgumentException("the fleet needs at least one sensor (pendulums + advection-diffusion"
                        + " + double-pendulums), got 0");
            }
            if ((bootstrapServers == null) == (sink == null)) {
                throw new IllegalArgumentException("set exactly one of bootstrap-servers and sink");
            }
            Map<String, SystemKind> kinds = new LinkedHashMap<>();
            addSensors(kinds, "pendulum", SystemKind.PENDULUM, pendulums);
            addSensors(kinds, "advection-diffusion", SystemKind.ADVECTION_DIFFUSION, advectionDiffusion);
            addSensors(kinds, "double-pendulum", SystemKind.DOUBLE_PENDULUM, doublePendulums);
            scenario.validate(kinds);

            Map<String, SequenceResume.Last> resumed = Map.of();
            if (bootstrapServers != null) {
                if (createTopics) {
                    try (Admin admin = Admin.create(kafkaConfig.merge(
                            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), "simulator admin"))) {
                        Topics.createAll(admin, topicPartitions);
                    }
                }
                if (resume) {
                    // the cluster's connection settings (TLS, SASL) from the client file reach the tail reader too
                    Map<String, Object> client = new HashMap<>(kafkaConfig.merge(
                            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), "simulator resume"));
                    resumed = SequenceResume.read(client, kinds.keySet(), closeTimeout);
                }
            }
            long start = startEventTime == null ? System.currentTimeMillis() : startEventTime.toEpochMilli();
            for (SequenceResume.Last last : resumed.values()) {
                // event time goes on too: a resumed sample is never older than the last one published
                start = Math.max(start, last.eventMillis() + 1000);
            }
            startEventTime = Instant.ofEpochMilli(start);

            SplittableRandom root = new SplittableRandom(seed);
            List<SimulatedSensor> sensors = new ArrayList<>();
            for (Map.Entry<String, SystemKind> e : kinds.entrySet()) {
                sensors.add(new SimulatedSensor(e.getKey(), PhysicalSystems.of(e.getValue()), start, root.split(),
                        Scenario.NONE, driftTruthInterval));
            }
            Scenario all = scenario;
            if (randomFaults > 0) {
                Scenario random = RandomFaults.draw(sensors.stream().map(s -> new RandomFaults.Sensor(s.id(),
                        s.system(), s.physics(), s.unmodelled())).toList(), randomFaults, seed, horizon(), scenario);
                all = scenario.plus(random);
                all.validate(kinds);
                Map<String, io.hybridcast.simulator.physics.PhysicalSystem> systems = new LinkedHashMap<>();
                sensors.forEach(s -> systems.put(s.id(), s.system()));
                LOG.info("{} random faults and {} operating events (seed {}, over {}):\n{}", random.faults().size(),
                        random.events().size(), seed, horizon(), RandomFaults.table(random, systems));
            }
            for (SimulatedSensor sensor : sensors) {
                SequenceResume.Last last = resumed.get(sensor.id());
                long first = last == null ? 0 : last.sequence() + 1;
                sensor.resumeAt(first);
                sensor.schedule(all.of(sensor.id()).shifted(first));
            }
            FleetSink target = sink;
            if (target == null) {
                target = new KafkaFleetSink(bootstrapServers, kafkaConfig, producerConfig, closeTimeout);
            }
            sensors.forEach(s -> LOG.info("Sensor {} from sequence {}", s, s.firstSequence()));
            return new FleetSimulator(this, all, target, Collections.unmodifiableList(sensors));
        }

        /** Event time the random faults are spread over. */
        private Duration horizon() {
            if (randomFaultsHorizon != null) {
                return randomFaultsHorizon;
            }
            if (duration == null || rate.unpaced()) {
                return Duration.ofMinutes(10);
            }
            return Duration.ofMillis((long) (duration.toMillis() * rate.speedup()));
        }

        private static void addSensors(Map<String, SystemKind> kinds, String prefix, SystemKind kind, int n) {
            for (int i = 0; i < n; i++) {
                kinds.put(prefix + "-" + i, kind);
            }
        }

        private static int nonNegative(String setting, int n) {
            if (n < 0) {
                throw new IllegalArgumentException(setting + " must be >= 0, got " + n);
            }
            return n;
        }
    }
}
