package io.hybridcast.streams.benchmark;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.swap.PayloadVerifier;
import io.hybridcast.streams.testing.CollectingSink;
import io.hybridcast.streams.testing.TopologyFixture;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live-quality benchmark's random run's pendulums, replayed as fast as possible through the real topology with
 * the shipped pendulum bundle (the same seed, fleet and random faults as {@code --random-faults 8 --seed 7
 * --pendulums 12 --duration 300}; {@code -Dreplay.pendulums=N} and {@code -Dreplay.seed=S} for another fleet),
 * scored as the live score scores the sensor-level ω: the newest 200 forecasts of
 * each sensor, after its first minute, against the truth (scoring only). Run by hand:
 * {@code java -cp "streams-app/target/test-classes:streams-app/target/classes:local-stack/target/lib/*:<the
 * kafka-streams-test-utils jar>" io.hybridcast.streams.benchmark.RandomRunReplay [seconds] [fault-free | scenario file]}; also
 * lists the pendulums' alarms and forecast skill, with {@code -Dreplay.dump.windows=true} every pendulum's fused
 * windows (their forced amplitude, z_p and the truth), and with {@code -Dreplay.phase=aligned} (or {@code staggered})
 * the hop phase it runs with (default: {@code forecast.phase}'s), with {@code -Dreplay.settings=key=value,...}
 * any other setting, and with {@code -Dreplay.dump.forecasts=<sensor id | all>} one line per forecast (its squared
 * errors and persistence's).
 */
public final class RandomRunReplay {

    private RandomRunReplay() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        // the fault-free run: "fault-free" (the local stack's default fleet, 4 pendulums, seed 1, no faults)
        // or a scenario file (the example run: the default fleet with simulator/.../scenarios/example.json)
        boolean faultFree = args.length > 1 && args[1].equals("fault-free");
        boolean scenario = args.length > 1 && !faultFree;
        CollectingSink sink = new CollectingSink();
        boolean small = faultFree || scenario;
        // -Dreplay.pendulums / -Dreplay.seed: another random fleet (the live-quality benchmark's --random-pendulums)
        int pendulums = Integer.getInteger("replay.pendulums", small ? 4 : 12);
        try (FleetSimulator fleet = FleetSimulator.builder().pendulums(pendulums).advectionDiffusion(1)
                .doublePendulums(1).seed(Long.getLong("replay.seed", small ? 1 : 7)).randomFaults(small ? 0 : 8)
                .scenario(scenario ? io.hybridcast.simulator.fleet.Scenario.read(Path.of(args[1]))
                        : io.hybridcast.simulator.fleet.Scenario.NONE)
                .randomFaultsHorizon(Duration.ofSeconds(seconds))
                .rate(Rate.AS_FAST_AS_POSSIBLE).maxRecords((pendulums + 2L) * 50 * seconds)
                .startEventTime(TopologyFixture.T0).sink(sink).build()) {
            fleet.start();
            fleet.awaitCompletion(Duration.ofMinutes(10));
        }
        List<SensorReading> readings = new ArrayList<>();
        for (SensorReading r : sink.readings) {
            if (r.getSystem() == SystemKind.PENDULUM
                    && r.getEventTime().toEpochMilli() - TopologyFixture.T0.toEpochMilli() < seconds * 1000L) {
                readings.add(r);
            }
        }
        readings.sort(Comparator.comparing(SensorReading::getEventTime).thenComparing(SensorReading::getSensorId));
        byte[] payload = Files.readAllBytes(Path.of("trainer", "src", "main", "resources", "base-models",
                "pendulum.bundle"));
        ModelVersion header = ModelVersion.newBuilder().setSystem(SystemKind.PENDULUM).setVersion(1)
                .setAlgorithm("meta-hybrid-vae").setSettingsJson("{}").setMetrics(Map.of())
                .setCreatedAt(java.time.Instant.EPOCH).setPayload(ByteBuffer.wrap(payload))
                .setSha256(PayloadVerifier.sha256(payload)).build();
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(header, payload));
        Map<String, List<Forecast>> forecasts = new TreeMap<>();
        List<io.hybridcast.avro.Anomaly> alarms = new ArrayList<>();
        Path state = Files.createTempDirectory("replay");
        Map<String, String> settings = new java.util.HashMap<>(Map.of("batch.max.latency.ms", "100",
                "validation.future.tolerance.ms", "86400000", "forecast.phase",
                System.getProperty("replay.phase", StreamsSettings.FORECAST_PHASE.defaultValue())));
        // -Dreplay.settings=key=value,key=value: any other streams-app setting (e.g. a detector's alarm budget)
        for (String kv : System.getProperty("replay.settings", "").split(",")) {
            if (!kv.isBlank()) {
                settings.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        StreamsSettings replaySettings = StreamsSettings.fromMap(settings, "replay");
        io.hybridcast.streams.scoring.LiveScore.Totals alarmScore = new io.hybridcast.streams.scoring.LiveScore.Totals();
        try (TopologyFixture f = new TopologyFixture(replaySettings, registry, state)) {
            // the truth only for the alarms' score at the end (the topology records it; no check reads it)
            for (io.hybridcast.avro.SensorTruth t : sink.truth) {
                if (t.getSystem() == SystemKind.PENDULUM) {
                    f.pipeTruth(t);
                }
            }
            int n = 0;
            for (SensorReading r : readings) {
                f.pipe(r);
                if (++n % 60 == 0) {
                    f.advanceWallClock(Duration.ofMillis(200));
                    alarms.addAll(f.anomalies());
                    f.forecasts().forEach(x -> forecasts.computeIfAbsent(x.getSensorId(), k -> new ArrayList<>())
                            .add(x));
                }
            }
            f.advanceWallClock(Duration.ofMillis(200));
            alarms.addAll(f.anomalies());
            f.forecasts().forEach(x -> forecasts.computeIfAbsent(x.getSensorId(), k -> new ArrayList<>()).add(x));
            alarmScore = scoreAlarms(f, replaySettings, forecasts.keySet());
            if (Boolean.getBoolean("replay.dump.windows")) {
                // every pendulum's fused windows with the truth: the drift detectors' signal, window by window
                var store = f.<Object>store(io.hybridcast.streams.topology.StoreNames.SENSOR_PHYSICS);
                for (String sensor : forecasts.keySet()) {
                    for (double[] w : io.hybridcast.streams.topology.PhysicsWindowsDump.rows(store.get(sensor))) {
                        System.out.printf(Locale.ROOT, "window %s %d %.6g %.6g %d %.4g %.4g truth %.5g%n", sensor,
                                (long) w[0], w[1], w[2], (int) w[3], w[4], w[5], omegaAt(sink.truth, sensor,
                                        (long) w[0]));
                    }
                }
            }
        }
        registry.close();
        double sum = 0;
        int sensors = 0;
        int pointsCovered = 0;
        int points = 0;
        for (Map.Entry<String, List<Forecast>> e : forecasts.entrySet()) {
            List<Forecast> fs = e.getValue();
            List<Forecast> last = fs.subList(Math.max(0, fs.size() - 200), fs.size());
            double err = 0;
            double bias = 0;
            int count = 0;
            int covered = 0;
            for (Forecast x : last) {
                long sequence = x.getFirstSequence() - 1;
                if (sequence * 50 < 60_000 || x.getSensorPhysics().isEmpty()) {
                    continue;
                }
                double truth = omegaAt(sink.truth, e.getKey(), sequence);
                var p = x.getSensorPhysics().get(0);
                err += Math.abs(p.getMean() - truth) / truth;
                bias += (p.getMean() - truth) / truth;
                covered += p.getLower95() <= truth && truth <= p.getUpper95() ? 1 : 0;
                count++;
            }
            Forecast end = fs.get(fs.size() - 1);
            var p = end.getSensorPhysics().get(0);
            System.out.printf(Locale.ROOT, "%-12s n %3d err %5.1f %% bias %+6.1f %% cover %.2f | last %.3f [%.3f, %.3f]"
                            + " truth %.3f%n", e.getKey(), count, 100 * err / count, 100 * bias / count,
                    (double) covered / count, p.getMean(), p.getLower95(), p.getUpper95(),
                    omegaAt(sink.truth, e.getKey(), end.getFirstSequence() - 1));
            sum += err / count;
            sensors++;
            pointsCovered += covered;
            points += count;
        }
        System.out.printf(Locale.ROOT, "pendulum sensor-level error, mean over %d sensors: %.1f %%; 95 %% interval "
                + "coverage over their %d points: %.3f%n", sensors, 100 * sum / sensors, points,
                (double) pointsCovered / points);
        printSkill(readings, forecasts);
        for (io.hybridcast.avro.Anomaly a : alarms) {
            System.out.printf(Locale.ROOT, "alarm %s %s/%s %d-%d%s%n", a.getSensorId(), a.getKind(), a.getDetail(),
                    a.getFromSequence(), a.getToSequence(),
                    Boolean.getBoolean("replay.explain") ? " " + a.getExplanation() : "");
        }
        Map<String, Object> q = alarmScore.quality();
        System.out.printf(Locale.ROOT, "alarms scored as live: precision %s, recall %s, mean delay %s ms (steps and "
                        + "sensor faults), drifts flagged in time %s, recall by fault %s%n", q.get("precision"),
                q.get("recall"), q.get("detection_delay_ms"), q.get("drifts_flagged_in_time"),
                q.get("recall_by_fault"));
    }

    /** The alarms scored against the truth as the live summary scores them ({@code LocalQueries}' windows). */
    private static io.hybridcast.streams.scoring.LiveScore.Totals scoreAlarms(TopologyFixture f,
                                                                           StreamsSettings settings,
                                                                           java.util.Set<String> sensors) {
        var windowing = settings.system(SystemKind.PENDULUM);
        long interval = io.hybridcast.schemas.SensorSystems.of(SystemKind.PENDULUM).sampleIntervalMillis();
        var truth = f.<io.hybridcast.streams.topology.TruthLog>store(io.hybridcast.streams.topology.StoreNames.TRUTH);
        var history = f.<io.hybridcast.streams.topology.AnomalyHistory>store(
                io.hybridcast.streams.topology.StoreNames.ANOMALY_HISTORY);
        var totals = new io.hybridcast.streams.scoring.LiveScore.Totals();
        for (String sensor : sensors) {
            totals.add(io.hybridcast.streams.scoring.LiveScore.score(truth.get(sensor), null, history.get(sensor),
                    windowing.windowLength(), (long) windowing.windowLength() * (windowing.contextWindows() + 1),
                    interval));
        }
        return totals;
    }

    /**
     * Forecast skill against persistence (1 - SSE / SSE of the value the forecast was made from) per pendulum and
     * over all of them, every actual each forecast covers counted, faults and events included (the live score leaves
     * some out, so compare replays with each other, not with the live number).
     */
    static void printSkill(List<SensorReading> readings, Map<String, List<Forecast>> forecasts) {
        Map<String, Map<Long, Double>> values = new TreeMap<>();
        for (SensorReading r : readings) {
            values.computeIfAbsent(r.getSensorId(), k -> new java.util.HashMap<>()).put(r.getSequence(),
                    r.getValues().get(0));
        }
        double sseAll = 0;
        double persistenceAll = 0;
        String dump = System.getProperty("replay.dump.forecasts", "");
        for (Map.Entry<String, List<Forecast>> e : forecasts.entrySet()) {
            Map<Long, Double> v = values.get(e.getKey());
            double sse = 0;
            double persistence = 0;
            for (Forecast x : e.getValue()) {
                Double last = v.get(x.getFirstSequence() - 1);
                double forecastSse = 0;
                double forecastPersistence = 0;
                for (int h = 0; last != null && h < x.getMean().size(); h++) {
                    Double actual = v.get(x.getFirstSequence() + h);
                    if (actual != null) {
                        double m = x.getMean().get(h).get(0);
                        forecastSse += (actual - m) * (actual - m);
                        forecastPersistence += (actual - last) * (actual - last);
                    }
                }
                sse += forecastSse;
                persistence += forecastPersistence;
                if (dump.equals(e.getKey()) || dump.equals("all")) {
                    System.out.printf(Locale.ROOT, "forecast %s %d sse %.4f persistence %.4f first %.4f last %.4f%n",
                            e.getKey(), x.getFirstSequence(), forecastSse, forecastPersistence,
                            x.getMean().get(0).get(0), last == null ? Double.NaN : last);
                }
            }
            sseAll += sse;
            persistenceAll += persistence;
            System.out.printf(Locale.ROOT, "skill %-12s %.3f%n", e.getKey(), 1 - sse / persistence);
        }
        System.out.printf(Locale.ROOT, "pendulum forecast skill over all sensors: %.3f%n", 1 - sseAll / persistenceAll);
    }

    static double omegaAt(List<SensorTruth> truth, String sensor, long sequence) {
        SensorTruth best = null;
        for (SensorTruth t : truth) {
            if (t.getSensorId().equals(sensor) && t.getFromSequence() <= sequence
                    && (t.getToSequence() == null || t.getToSequence() >= sequence) && !t.getPhysics().isEmpty()
                    && (best == null || t.getFromSequence() >= best.getFromSequence())) {
                best = t;
            }
        }
        return best.getPhysics().get("omega");
    }
}
