package io.hybridcast.streams.benchmark;

import io.hybridcast.avro.Anomaly;
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

/**
 * The live-quality benchmark's random run's line (the same seed, fleet and random faults as {@code --random-faults 8
 * --seed 7 --pendulums 12 --duration 300}), replayed as fast as possible through the real topology with the shipped
 * line bundle: its truth, its alarms, its sensor-level D every second after {@code from} seconds, and the live
 * score's error (the newest 200 forecasts after the first minute; the truth scores only). Run by hand as
 * {@link RandomRunReplay}: {@code ... io.hybridcast.streams.benchmark.LineRunReplay [seconds] [from]}.
 */
public final class LineRunReplay {

    private LineRunReplay() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int from = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        CollectingSink sink = new CollectingSink();
        try (FleetSimulator fleet = FleetSimulator.builder().pendulums(12).advectionDiffusion(1).doublePendulums(1)
                .seed(7).randomFaults(8).randomFaultsHorizon(Duration.ofSeconds(seconds))
                .rate(Rate.AS_FAST_AS_POSSIBLE).maxRecords(14L * 50 * seconds)
                .startEventTime(TopologyFixture.T0).sink(sink).build()) {
            fleet.start();
            fleet.awaitCompletion(Duration.ofMinutes(10));
        }
        List<SensorReading> readings = new ArrayList<>();
        for (SensorReading r : sink.readings) {
            if (r.getSystem() == SystemKind.ADVECTION_DIFFUSION
                    && r.getEventTime().toEpochMilli() - TopologyFixture.T0.toEpochMilli() < seconds * 1000L) {
                readings.add(r);
            }
        }
        readings.sort(Comparator.comparing(SensorReading::getEventTime).thenComparing(SensorReading::getSensorId));
        for (SensorTruth t : sink.truth) {
            if (t.getSensorId().startsWith("advection")) {
                System.out.printf(Locale.ROOT, "truth %d-%s %s %s %s%n", t.getFromSequence(), t.getToSequence(),
                        t.getFault(), t.getPhysics(), t.getDescription());
            }
        }
        byte[] payload = Files.readAllBytes(Path.of("trainer", "src", "main", "resources", "base-models",
                "advection-diffusion.bundle"));
        ModelVersion header = ModelVersion.newBuilder().setSystem(SystemKind.ADVECTION_DIFFUSION).setVersion(1)
                .setAlgorithm("meta-hybrid-vae").setSettingsJson("{}").setMetrics(Map.of())
                .setCreatedAt(java.time.Instant.EPOCH).setPayload(ByteBuffer.wrap(payload))
                .setSha256(PayloadVerifier.sha256(payload)).build();
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(header, payload));
        List<Forecast> forecasts = new ArrayList<>();
        List<Anomaly> alarms = new ArrayList<>();
        Path state = Files.createTempDirectory("line-replay");
        try (TopologyFixture f = new TopologyFixture(StreamsSettings.fromMap(Map.of("batch.max.latency.ms", "100",
                "validation.future.tolerance.ms", "86400000"), "replay"), registry, state)) {
            int n = 0;
            for (SensorReading r : readings) {
                f.pipe(r);
                if (++n % 30 == 0) {
                    f.advanceWallClock(Duration.ofMillis(200));
                    alarms.addAll(f.anomalies());
                    forecasts.addAll(f.forecasts());
                }
            }
            f.advanceWallClock(Duration.ofMillis(200));
            alarms.addAll(f.anomalies());
            forecasts.addAll(f.forecasts());
        }
        registry.close();
        long lastPrinted = -1;
        for (Forecast x : forecasts) {
            long sequence = x.getFirstSequence() - 1;
            if (sequence * 20 >= from * 1000L && sequence / 50 != lastPrinted && !x.getSensorPhysics().isEmpty()) {
                lastPrinted = sequence / 50;
                var p = x.getSensorPhysics().get(0);
                var w = x.getPhysics().get(0);
                System.out.printf(Locale.ROOT, "seq %6d sensor D %.5f [%.5f, %.5f] window %.5f ± %.5f truth %.5f%n",
                        sequence, p.getMean(), p.getLower95(), p.getUpper95(), w.getMean(), w.getStd(),
                        truthAt(sink.truth, sequence));
            }
        }
        List<Forecast> last = forecasts.subList(Math.max(0, forecasts.size() - 200), forecasts.size());
        double err = 0;
        int count = 0;
        int covered = 0;
        for (Forecast x : last) {
            long sequence = x.getFirstSequence() - 1;
            if (sequence * 20 < 60_000 || x.getSensorPhysics().isEmpty()) {
                continue;
            }
            double truth = truthAt(sink.truth, sequence);
            var p = x.getSensorPhysics().get(0);
            err += Math.abs(p.getMean() - truth) / truth;
            covered += p.getLower95() <= truth && truth <= p.getUpper95() ? 1 : 0;
            count++;
        }
        System.out.printf(Locale.ROOT, "line sensor-level D over the newest %d forecasts: error %.1f %%, coverage %.2f%n",
                count, 100 * err / count, (double) covered / count);
        for (Anomaly a : alarms) {
            System.out.printf(Locale.ROOT, "alarm %s/%s %d-%d %s%n", a.getKind(), a.getDetail(), a.getFromSequence(),
                    a.getToSequence(), a.getExplanation());
        }
    }

    static double truthAt(List<SensorTruth> truth, long sequence) {
        SensorTruth best = null;
        for (SensorTruth t : truth) {
            if (t.getSensorId().startsWith("advection") && t.getFromSequence() <= sequence
                    && (t.getToSequence() == null || t.getToSequence() >= sequence) && !t.getPhysics().isEmpty()
                    && (best == null || t.getFromSequence() >= best.getFromSequence())) {
                best = t;
            }
        }
        return best.getPhysics().get("D");
    }
}
