package io.hybridcast.streams.testing;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.fleet.FleetBuilder;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.swap.PayloadVerifier;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's readings through the real topology served by a shipped bundle, as the scenario tests of the
 * alerts run them: simulate the fleet as fast as possible from {@link TopologyFixture#T0}, order its readings by
 * event time, pipe them with the wall clock advanced every 30 readings, and collect forecasts and alarms.
 */
public final class ShippedBundleReplay {

    /** Where the trainer's shipped base models live, seen from the streams-app module. */
    public static final Path BASE_MODELS = Path.of("..", "trainer", "src", "main", "resources", "base-models");

    /** What the topology emitted, and its metrics. */
    public record Output(List<Forecast> forecasts, List<Anomaly> alarms, AppMetrics metrics) {
    }

    private ShippedBundleReplay() {
    }

    /** Runs the fleet (without its sink, rate and start time, which this sets) and returns its sorted readings. */
    public static List<SensorReading> simulate(FleetBuilder fleet, Duration timeout) throws Exception {
        CollectingSink sink = new CollectingSink();
        try (FleetSimulator simulator = fleet.rate(Rate.AS_FAST_AS_POSSIBLE).startEventTime(TopologyFixture.T0)
                .sink(sink).build()) {
            simulator.start();
            assertThat(simulator.awaitCompletion(timeout)).isTrue();
            assertThat(simulator.failure()).isNull();
        }
        List<SensorReading> readings = new ArrayList<>(sink.readings);
        readings.sort(Comparator.comparing(SensorReading::getEventTime).thenComparing(SensorReading::getSensorId));
        return readings;
    }

    /** Pipes {@code readings} (in order) through the topology serving the bundle at {@code bundle} for {@code system}. */
    public static Output replay(List<SensorReading> readings, Path bundle, SystemKind system, Path stateDir)
            throws Exception {
        return replay(readings, bundle, system, stateDir, Map.of());
    }

    /** As above, with these streams-app settings on top of the replay's own. */
    public static Output replay(List<SensorReading> readings, Path bundle, SystemKind system, Path stateDir,
                                Map<String, String> settings) throws Exception {
        byte[] payload = Files.readAllBytes(bundle);
        ModelVersion header = ModelVersion.newBuilder().setSystem(system).setVersion(1)
                .setAlgorithm("meta-hybrid-vae").setSettingsJson("{}").setMetrics(Map.of())
                .setCreatedAt(Instant.EPOCH).setPayload(ByteBuffer.wrap(payload))
                .setSha256(PayloadVerifier.sha256(payload)).build();
        List<Forecast> forecasts = new ArrayList<>();
        List<Anomaly> alarms = new ArrayList<>();
        AppMetrics metrics;
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.swap(new BundleModelLoader().load(header, payload));
            Map<String, String> all = new java.util.HashMap<>(Map.of(
                    "batch.max.latency.ms", "100", "validation.future.tolerance.ms", "86400000"));
            all.putAll(settings);
            try (TopologyFixture f = new TopologyFixture(StreamsSettings.fromMap(all, "test"), registry, stateDir)) {
                int n = 0;
                for (SensorReading r : readings) {
                    f.pipe(r);
                    if (++n % 30 == 0) {
                        f.advanceWallClock(Duration.ofMillis(200));
                        forecasts.addAll(f.forecasts());
                        alarms.addAll(f.anomalies());
                    }
                }
                f.advanceWallClock(Duration.ofMillis(200));
                forecasts.addAll(f.forecasts());
                alarms.addAll(f.anomalies());
                metrics = f.metrics;
            }
        }
        return new Output(forecasts, alarms, metrics);
    }
}
