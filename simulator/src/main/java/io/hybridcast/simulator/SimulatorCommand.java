package io.hybridcast.simulator;

import io.hybridcast.simulator.fleet.FaultSpec;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.simulator.fleet.FleetBuilder;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.FleetStats;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code simulator}: runs a live sensor fleet against Kafka (readings on sensor-readings, ground truth on
 * sensor-truth); {@code simulator dataset} writes the offline episodic datasets. Every option can also come from
 * a properties file ({@code ~/.simulator.properties}, or the file named by {@code -Dpicocli.defaults.simulator.path})
 * and the bootstrap servers from {@code HYBRIDCAST_BOOTSTRAP_SERVERS}. See docs/simulator.md.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true, version = "hybridcast simulator 0.1.0",
        subcommands = {DatasetCommand.class},
        defaultValueProvider = CommandLine.PropertiesDefaultProvider.class,
        description = "Simulates a fleet of physical sensors (forced damped pendulums, advection-diffusion lines, "
                + "double pendulums) with fault injection, and publishes readings and ground truth to Kafka.")
public final class SimulatorCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            defaultValue = "${env:HYBRIDCAST_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--rate", paramLabel = "RATE", defaultValue = "real-time", converter = RateConverter.class,
            description = "real-time, <N>x (e.g. 10x) or max (as fast as possible). Default: ${DEFAULT-VALUE}.")
    Rate rate;

    @Option(names = "--pendulums", defaultValue = "4", description = "Forced damped pendulums (default ${DEFAULT-VALUE}).")
    int pendulums;

    @Option(names = "--advection-diffusion", defaultValue = "1",
            description = "Advection-diffusion lines (default ${DEFAULT-VALUE}).")
    int advectionDiffusion;

    @Option(names = "--double-pendulums", defaultValue = "1", description = "Double pendulums (default ${DEFAULT-VALUE}).")
    int doublePendulums;

    @Option(names = "--scenario", paramLabel = "FILE", description = "JSON file of faults to inject (docs/simulator.md).")
    Path scenarioFile;

    @Option(names = "--fault", paramLabel = "SPEC",
            description = "A fault as key=value pairs, repeatable, e.g. "
                    + "sensor=pendulum-0,kind=PARAMETER_STEP,atSequence=600,parameter=omega,value=2.6")
    List<String> faults = new ArrayList<>();

    @Option(names = "--random-faults", paramLabel = "N", defaultValue = "0",
            description = "Also inject N faults drawn with the seed (every fault kind in turn: sensor, time, size, "
                    + "duration), plus about N/4 drive-off events; logged as a table at start (default ${DEFAULT-VALUE}).")
    int randomFaults;

    @Option(names = "--random-faults-over", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Event time the random faults are spread over (default: --duration times the rate's "
                    + "speed-up, or 10m).")
    Duration randomFaultsOver;

    @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Continue each sensor's sequence after the last one on sensor-readings (default "
                    + "${DEFAULT-VALUE}); --no-resume starts every sensor at 0.")
    boolean resume;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of all random draws (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this wall-clock time, e.g. 30s, 5m, 1h or PT30S (default: run until stopped).")
    Duration duration;

    @Option(names = "--max-records", defaultValue = "0",
            description = "Stop after this many readings in total; 0 = unlimited (default).")
    long maxRecords;

    @Option(names = "--partitions", defaultValue = "1",
            description = "Partitions of topics the simulator creates if missing (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", defaultValue = "1",
            description = "Simulation threads; sensors are split between them (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--tolerance", defaultValue = "1e-10",
            description = "Absolute and relative tolerance of the ground-truth integrator (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--stats-interval", defaultValue = "10s", converter = DurationConverter.class,
            description = "How often to print progress (default ${DEFAULT-VALUE}).")
    Duration statsInterval;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:HYBRIDCAST_KAFKA_CONFIG:-}",
            description = "Kafka client properties file (security.protocol, ssl.*, sasl.*) for every Kafka client "
                    + "(default: none, a plaintext cluster).")
    String kafkaConfig;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            defaultValue = "${env:HYBRIDCAST_SCHEMA_REGISTRY_URL:-}",
            description = "Schema registry with the Confluent-compatible API (e.g. "
                    + "http://apicurio:8080/apis/ccompat/v7): write records in its wire format (magic byte 0 + schema "
                    + "id). Default: none, Avro single-object encoding. Both are read either way.")
    String schemaRegistryUrl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Entry point: exits 0 on success, 2 on bad input, 1 when the run failed or truth is left undelivered. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the project's error handling: bad input prints one line naming setting and value. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SimulatorCommand());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + ex.getMessage());
                commandLine.getErr().flush();
                return 2;
            }
            if (ex instanceof IllegalStateException || ex instanceof java.io.UncheckedIOException) {
                // e.g. the cluster cannot be reached to create topics: one clear line, no stack trace
                commandLine.getErr().println("error: " + ex.getMessage());
                commandLine.getErr().flush();
                return 1;
            }
            throw ex;
        });
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        // the serdes are the process's (Topics): the wire format is set once, before any record is written
        io.hybridcast.schemas.AvroSerde.useRegistry(
                io.hybridcast.schemas.registry.SchemaRegistryClient.ofOrNone(schemaRegistryUrl));
        PrintWriter out = spec.commandLine().getOut();
        Scenario scenario = scenarioFile == null ? Scenario.NONE : Scenario.read(scenarioFile);
        List<FaultSpec> flagFaults = new ArrayList<>();
        for (String fault : faults) {
            flagFaults.add(Scenario.parseFlag(fault));
        }
        scenario = scenario.plus(flagFaults);
        FleetBuilder builder = FleetSimulator.builder()
                .bootstrapServers(bootstrapServers).rate(rate)
                .pendulums(pendulums).advectionDiffusion(advectionDiffusion).doublePendulums(doublePendulums)
                .scenario(scenario).seed(seed).maxRecords(maxRecords).duration(duration).topicPartitions(partitions).threads(threads).tolerance(tolerance)
                .randomFaults(randomFaults).randomFaultsHorizon(randomFaultsOver).resume(resume)
                .kafkaConfig(KafkaClientConfig.load(kafkaConfig));
        if (statsInterval.isNegative() || statsInterval.isZero()) {
            throw new IllegalArgumentException("--stats-interval must be > 0, got " + statsInterval);
        }
        FleetSimulator fleet = builder.build();
        Thread hook = new Thread(fleet::close, "simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf(Locale.ROOT, "Simulating %s to %s at rate %s (seed %d, %d faults, %d events). Ctrl-C to stop.%n",
                fleet.sensorIds(), bootstrapServers, rate, seed, fleet.scenario().faults().size(),
                fleet.scenario().events().size());
        out.flush();
        fleet.start();
        try {
            while (!fleet.awaitCompletion(statsInterval)) {
                printStats(out, fleet.stats(), false);
            }
        } finally {
            fleet.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
        FleetStats.Snapshot stats = fleet.stats();
        printStats(out, stats, true);
        if (fleet.failure() != null) {
            spec.commandLine().getErr().println("error: the simulation failed: " + fleet.failure());
            return 1;
        }
        if (stats.truthsPending() > 0) {
            spec.commandLine().getErr().println("error: " + stats.truthsPending() + " truth records were not delivered");
            return 1;
        }
        return 0;
    }

    private static void printStats(PrintWriter out, FleetStats.Snapshot s, boolean perSensor) {
        out.printf(Locale.ROOT, "%.0f s: %d readings (%d acked, %d failed), %.0f readings/s, %d truth (%d acked)%n",
                s.elapsedSeconds(), s.readingsGenerated(), s.readingsAcked(), s.readingsFailed(), s.readingsPerSecond(),
                s.truthsPublished(), s.truthsAcked());
        if (perSensor) {
            s.readingsPerSensor().forEach((id, n) -> out.printf(Locale.ROOT, "  %-24s %d readings%n", id, n));
        }
        out.flush();
    }

    /** Converts --rate values; the error names the value. */
    static final class RateConverter implements CommandLine.ITypeConverter<Rate> {
        @Override
        public Rate convert(String value) {
            try {
                return Rate.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts 30s / 5m / 2h / 500ms / ISO-8601 (PT30S) durations. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt")) {
                    return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                switch (v.charAt(v.length() - 1)) {
                    case 's':
                        return Duration.ofSeconds(n);
                    case 'm':
                        return Duration.ofMinutes(n);
                    case 'h':
                        return Duration.ofHours(n);
                    default:
                        break;
                }
            } catch (RuntimeException e) {
                // fall through to the error
            }
            throw new CommandLine.TypeConversionException("expected a duration like 30s, 5m, 1h, 500ms or PT30S, got '"
                    + value + "'");
        }
    }
}
