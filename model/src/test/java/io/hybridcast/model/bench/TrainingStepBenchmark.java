package io.hybridcast.model.bench;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.simulator.dataset.DatasetSpec;
import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark command (not a test): wall time of one training step at batch 200 on the pendulum (50 steps) for
 * Phys-VAE and Meta-Hybrid-VAE (K = 5) with RK4 and Euler, and Meta-Hybrid-VAE + SAM (RK4), and of batched
 * inference. Writes {@code docs/benchmarks/model.json} (or the path given as the first argument); a second
 * argument names a report of the same command run on other classes (before a change), whose step times are copied
 * in as the baseline. Command in docs/model.md.
 */
public final class TrainingStepBenchmark {

    private static final int WARMUP = 3;
    private static final int MEASURED = 10;

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/model.json");
        EpisodicDataset data = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, 20, 10), 1);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", Instant.now().toString());
        report.put("java", System.getProperty("java.version"));
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("batch", 200);
        report.put("window", 50);
        // the machine is shared: how busy it was belongs beside the numbers
        report.put("load_average_1m_before", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage()));
        Map<String, Object> training = new LinkedHashMap<>();
        Map<String, Object> medians = new LinkedHashMap<>();
        Map<String, Object> cpuMedians = new LinkedHashMap<>();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (String variant : List.of("meta-hybrid-vae/rk4", "meta-hybrid-vae/euler", "phys-vae/rk4", "phys-vae/euler",
                "meta-hybrid-vae+sam/rk4")) {
            boolean meta = variant.startsWith("meta");
            String solver = variant.substring(variant.indexOf('/') + 1);
            ModelSpec spec = ModelSpec.builder().setSystem("PENDULUM")
                    .setAlgorithm(meta ? "meta-hybrid-vae" : "phys-vae").setWindowLength(50).setChannels(1)
                    .setDt(0.05).optMaxHorizon(20).setPhysicsName("omega").setPhysicsRange(0.392, 3.53)
                    .setNeuralLatents(3).setHidden(64).setEmbedding(32).optSolver(solver).optMeta(meta).build();
            TrainingConfig config = TrainingConfig.defaults("PENDULUM", WARMUP + MEASURED, 1)
                    .withSchedule(WARMUP + MEASURED, 200);
            if (variant.contains("+sam")) {
                config = config.withSam(0.05);
            }
            List<Long> stamps = new ArrayList<>();
            List<Long> cpuStamps = new ArrayList<>();
            try (NDManager m = NDManager.newBaseManager();
                 HybridVae ignored = HybridVaeTrainer.train(spec, config, data.observations(), data.taskIds(), m,
                         (step, total, epoch, loss, elapsed) -> {
                             stamps.add(elapsed);
                             // the listener runs on the training thread: its CPU time is the step's, whatever the
                             // load of the shared machine (1 intra-op thread)
                             cpuStamps.add(threads.getCurrentThreadCpuTime());
                         })) {
                double[] ms = new double[MEASURED];
                for (int i = 0; i < MEASURED; i++) {
                    ms[i] = (stamps.get(WARMUP + i) - stamps.get(WARMUP + i - 1)) / 1e6;
                }
                double[] cpu = new double[MEASURED];
                for (int i = 0; i < MEASURED; i++) {
                    cpu[i] = (cpuStamps.get(WARMUP + i) - cpuStamps.get(WARMUP + i - 1)) / 1e6;
                }
                Arrays.sort(ms);
                Arrays.sort(cpu);
                medians.put(variant, round(ms[MEASURED / 2]));
                cpuMedians.put(variant, round(cpu[MEASURED / 2]));
                training.put(variant, Map.of("median_ms_per_step", round(ms[MEASURED / 2]),
                        "min_ms", round(ms[0]), "max_ms", round(ms[MEASURED - 1])));
            }
        }
        // the median ms of one step (batch 200, pendulum) keyed <model>/<solver>: the number issue 12 targets
        report.put("training_step_ms", medians);
        report.put("training_step_cpu_ms", cpuMedians);
        if (args.length > 1) {
            // a report of the same command run just before on the classes before a change: kept side by side
            String baseline = Files.readString(Path.of(args[1]));
            for (String key : List.of("training_step_ms", "training_step_cpu_ms")) {
                int from = baseline.indexOf("\"" + key + "\"");
                if (from >= 0) {
                    report.put(key + "_baseline", new Raw(baseline.substring(baseline.indexOf('{', from),
                            baseline.indexOf('}', from) + 1)));
                }
            }
        }
        report.put("training_step", training);
        report.put("load_average_1m_after_training", round(java.lang.management.ManagementFactory
                .getOperatingSystemMXBean().getSystemLoadAverage()));
        ModelSpec spec = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae").setWindowLength(50)
                .setChannels(1).setDt(0.05).optMaxHorizon(20).setPhysicsName("omega").setPhysicsRange(0.392, 3.53)
                .setNeuralLatents(3).setHidden(64).setEmbedding(32).optMeta(true).build();
        Map<String, Object> inference = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(spec, m, 1)) {
            for (int batch : new int[] {1, 16, 64}) {
                double[][][] windows = Arrays.copyOf(data.observations(), batch);
                double[][] sums = new double[batch][32];
                int[] counts = new int[batch];
                for (int i = 0; i < 5; i++) {
                    model.inferWithPooledContext(windows, sums, counts, 20);
                }
                int reps = 20;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    model.inferWithPooledContext(windows, sums, counts, 20);
                }
                double ms = (System.nanoTime() - t0) / 1e6 / reps;
                inference.put("batch_" + batch, Map.of("ms_per_call", round(ms), "ms_per_window", round(ms / batch)));
            }
        }
        report.put("inference_horizon_20_with_16_posterior_samples", inference);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, toJson(report, "") + "\n");
        System.out.println(Files.readString(out));
    }

    /** JSON text copied verbatim into the report. */
    private record Raw(String json) {
        @Override
        public String toString() {
            return json;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @SuppressWarnings("unchecked")
    private static String toJson(Object o, String indent) {
        if (o instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : ((Map<String, Object>) map).entrySet()) {
                b.append(indent).append("  \"").append(e.getKey()).append("\": ").append(toJson(e.getValue(), indent + "  "))
                        .append(++i < map.size() ? ",\n" : "\n");
            }
            return b.append(indent).append('}').toString();
        }
        if (o instanceof String s) {
            return "\"" + s + "\"";
        }
        return String.format(Locale.ROOT, "%s", o);
    }
}
