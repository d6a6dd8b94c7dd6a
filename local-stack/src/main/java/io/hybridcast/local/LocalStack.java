package io.hybridcast.local;

import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's main job: the whole hybridcast stack in one process on an embedded KRaft broker. It starts
 * the broker, creates the topics, starts the simulated sensor fleet and logs a one-line status every few
 * seconds (sensors, readings/s, records per topic) until Ctrl-C or {@code --duration}, then shuts
 * everything down in reverse order.
 */
@Command(name = "run-local.sh", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the whole hybridcast stack locally on an embedded Kafka broker.")
public final class LocalStack implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--kafka-port", defaultValue = "9092",
            description = "Port of the embedded broker for outside clients; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir",
            description = "Keep broker data here across runs; default: a temporary folder deleted on exit.")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "2",
            description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--pendulums", defaultValue = "4", description = "Forced damped pendulum sensors (default: ${DEFAULT-VALUE}).")
    int pendulums;

    @Option(names = "--advection-diffusion", defaultValue = "1",
            description = "Advection-diffusion line sensors (default: ${DEFAULT-VALUE}).")
    int advectionDiffusion;

    @Option(names = "--double-pendulums", defaultValue = "1", description = "Double pendulum sensors (default: ${DEFAULT-VALUE}).")
    int doublePendulums;

    @Option(names = "--rate", defaultValue = "real-time",
            description = "Simulation speed: real-time, <N>x (e.g. 10x) or max (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--scenario", description = "Fault-injection scenario file (JSON; see docs/simulator.md).")
    Path scenario;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulated fleet (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--status-interval", defaultValue = "5",
            description = "Seconds between status lines (default: ${DEFAULT-VALUE}).")
    int statusIntervalSeconds;

    @Option(names = "--duration", description = "Stop after this many seconds (default: run until Ctrl-C).")
    Long durationSeconds;

    @Override
    public Integer call() throws Exception {
        validate();
        Rate parsedRate = Rate.parse(rate);
        Scenario parsedScenario = scenario == null ? Scenario.NONE : Scenario.read(scenario);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "local-stack-shutdown"));

        EmbeddedKafkaBroker.Builder brokerBuilder = EmbeddedKafkaBroker.builder()
                .port(kafkaPort).defaultPartitions(partitions);
        if (dataDir != null) {
            brokerBuilder.logDir(dataDir.resolve("kafka"));
        }
        try (EmbeddedKafkaBroker broker = brokerBuilder.start();
             Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, partitions);
            LOG.info("Kafka broker ready at {} (point any Kafka client here)", broker.bootstrapServers());
            try (FleetSimulator fleet = FleetSimulator.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .pendulums(pendulums).advectionDiffusion(advectionDiffusion).doublePendulums(doublePendulums)
                    .rate(parsedRate).scenario(parsedScenario).seed(seed)
                    .build().start()) {
                LOG.info("Simulating {} sensors at {}: {}", fleet.sensorIds().size(), parsedRate, fleet.sensorIds());
                TopicStatus status = new TopicStatus(admin);
                long deadline = durationSeconds == null ? Long.MAX_VALUE
                        : System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds);
                while (!stop.await(statusIntervalSeconds, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
                    if (fleet.failure() != null) {
                        LOG.error("The simulator stopped with an error", fleet.failure());
                        return 1;
                    }
                    var stats = fleet.stats();
                    LOG.info("sensors={} readings/s={} | {}", stats.readingsPerSensor().size(),
                            String.format("%.1f", stats.readingsPerSecond()), status.line());
                }
                LOG.info("Shutting down");
            }
        }
        return 0;
    }

    private void validate() {
        require(kafkaPort >= 0 && kafkaPort <= 65535, spec, "--kafka-port", kafkaPort, "0..65535");
        require(partitions >= 1, spec, "--partitions", partitions, ">= 1");
        require(pendulums >= 0, spec, "--pendulums", pendulums, ">= 0");
        require(advectionDiffusion >= 0, spec, "--advection-diffusion", advectionDiffusion, ">= 0");
        require(doublePendulums >= 0, spec, "--double-pendulums", doublePendulums, ">= 0");
        require(pendulums + advectionDiffusion + doublePendulums > 0, spec, "fleet size",
                pendulums + advectionDiffusion + doublePendulums, "at least one sensor");
        require(statusIntervalSeconds >= 1, spec, "--status-interval", statusIntervalSeconds, ">= 1");
        require(durationSeconds == null || durationSeconds >= 1, spec, "--duration", durationSeconds, ">= 1");
    }

    private static void require(boolean ok, CommandLine.Model.CommandSpec spec, String setting, Object value,
                                String expected) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    setting + " must be " + expected + ", got " + value);
        }
    }

    /** Runs the local stack; the exit code is non-zero on a bad flag or a failure. */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new LocalStack());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            LOG.error("Local stack failed: {}", e.getMessage(), e);
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
