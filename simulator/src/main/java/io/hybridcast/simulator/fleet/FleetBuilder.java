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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Settings of a {@link FleetSimulator} (from {@link FleetSimulator#builder()}): every setter validates and names
 * the setting in its error; {@link #build()} checks the scenario against the fleet and builds the sensors.
 */
public final class FleetBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(FleetBuilder.class);

    private int pendulums = 1;
    private int advectionDiffusion;
    private int doublePendulums;
    Rate rate = Rate.REAL_TIME;
    private Scenario scenario = Scenario.NONE;
    long seed;
    long maxRecords;
    Duration duration;
    Instant startEventTime;
    private String bootstrapServers;
    private FleetSink sink;
    private final Map<String, Object> producerConfig = new HashMap<>();
    private boolean createTopics = true;
    private int topicPartitions = 1;
    private int driftTruthInterval = 100;
    private Duration closeTimeout = Duration.ofSeconds(60);
    int threads = 1;
    double tolerance = GroundTruthIntegrator.DEFAULT_TOLERANCE;
    private int randomFaults;
    private Duration randomFaultsHorizon;
    private boolean resume = true;
    private KafkaClientConfig kafkaConfig = KafkaClientConfig.none();

    FleetBuilder() {
    }

    /** Number of forced damped pendulums (default 1). */
    public FleetBuilder pendulums(int n) {
        this.pendulums = nonNegative("pendulums", n);
        return this;
    }

    /** Number of advection-diffusion lines (default 0). */
    public FleetBuilder advectionDiffusion(int n) {
        this.advectionDiffusion = nonNegative("advection-diffusion", n);
        return this;
    }

    /** Number of double pendulums (default 0). */
    public FleetBuilder doublePendulums(int n) {
        this.doublePendulums = nonNegative("double-pendulums", n);
        return this;
    }

    /** Pacing (default real time). */
    public FleetBuilder rate(Rate value) {
        this.rate = java.util.Objects.requireNonNull(value, "rate");
        return this;
    }

    /** Faults to inject (default none). */
    public FleetBuilder scenario(Scenario value) {
        this.scenario = java.util.Objects.requireNonNull(value, "scenario");
        return this;
    }

    /** Seed of every random draw (parameters, initial states, noise); same seed, same fleet. */
    public FleetBuilder seed(long value) {
        this.seed = value;
        return this;
    }

    /** Stop after this many readings in total; 0 (default) for no limit. */
    public FleetBuilder maxRecords(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("max-records must be >= 0 (0 = unlimited), got " + value);
        }
        this.maxRecords = value;
        return this;
    }

    /** Stop after this wall-clock time; null (default) for no limit. */
    public FleetBuilder duration(Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException("duration must be > 0, got " + value);
        }
        this.duration = value;
        return this;
    }

    /** Event time of sequence 0 of every sensor (default: the wall clock at build time). */
    public FleetBuilder startEventTime(Instant value) {
        this.startEventTime = value;
        return this;
    }

    /** Publish to this Kafka cluster (through a {@link KafkaFleetSink}). */
    public FleetBuilder bootstrapServers(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("bootstrap-servers must not be blank, got '" + value + "'");
        }
        this.bootstrapServers = value;
        return this;
    }

    /** Publish to this sink instead of Kafka (closed by the fleet). */
    public FleetBuilder sink(FleetSink value) {
        this.sink = value;
        return this;
    }

    /** A producer setting replacing the default of {@link KafkaFleetSink#defaultProducerConfig}. */
    public FleetBuilder producerConfig(String key, Object value) {
        producerConfig.put(key, value);
        return this;
    }

    /** Create the topics at start if missing (default true). */
    public FleetBuilder createTopics(boolean value) {
        this.createTopics = value;
        return this;
    }

    /** Partitions of topics this fleet creates (default 1). */
    public FleetBuilder topicPartitions(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("topic-partitions must be >= 1, got " + value);
        }
        this.topicPartitions = value;
        return this;
    }

    /** During a drift, truth is re-published every this many samples (default 100). */
    public FleetBuilder driftTruthInterval(int value) {
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
    public FleetBuilder threads(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + value);
        }
        this.threads = value;
        return this;
    }

    /** Absolute and relative tolerance of the ground-truth integrator (default 1e-10). */
    public FleetBuilder tolerance(double value) {
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
    public FleetBuilder randomFaults(int n) {
        this.randomFaults = nonNegative("random-faults", n);
        return this;
    }

    /**
     * Event time over which random faults are spread (default: the duration times the speed-up, or 10 minutes
     * when the run has no duration or is unpaced).
     */
    public FleetBuilder randomFaultsHorizon(Duration value) {
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
    public FleetBuilder resume(boolean value) {
        this.resume = value;
        return this;
    }

    /** How long closing waits for undelivered truth (default 60 s). */
    public FleetBuilder closeTimeout(Duration value) {
        this.closeTimeout = value;
        return this;
    }

    /** Kafka client properties file (security settings) for the producer and admin client (default none). */
    public FleetBuilder kafkaConfig(KafkaClientConfig value) {
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
