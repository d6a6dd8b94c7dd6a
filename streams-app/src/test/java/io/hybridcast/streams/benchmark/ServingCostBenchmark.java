package io.hybridcast.streams.benchmark;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.kernel.GoldenSet;
import io.hybridcast.model.kernel.ServingKernel;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.model.vae.HybridVae;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one serving call (sigma-point band, horizon 20) costs: the fused serving kernel ({@code kernel_ms}, Vector API,
 * {@code kernel_scalar_ms}, plain loops, and {@code kernel_calibrated_ms}, the Vector API kernel for sensors whose own
 * errors set the band, so without the model's) beside DJL ({@code djl_ms}) for the served model, timed in the same
 * rounds, with the kernel's largest difference to DJL on the 200-window call; and DJL for smaller variants of the
 * benchmark model: the
 * data for deciding whether a cheaper model is worth its accuracy, since the call's cost bounds the streams app's
 * throughput (docs/streams-app.md "Benchmark"). Each variant is trained briefly (the cost does not depend on the
 * weights) and timed call by call, interleaved with the others, after warm-up calls. A command, not a test:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp &lt;streams-app test classpath&gt; &lt;DJL flags&gt; \
 *   io.hybridcast.streams.benchmark.ServingCostBenchmark
 * </pre>
 */
public final class ServingCostBenchmark {

    private ServingCostBenchmark() {
    }

    /** The calling thread's CPU time: what a call costs whatever else the shared machine runs (1 intra-op thread). */
    /** The kernel's calls for calibrated sensors: every window without the model's band. */
    private static final String CALIBRATED = "kernel_calibrated_ms";
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private static String cpu(String key) {
        return key.replace("_ms", "") + "_cpu_ms";
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        double median = (sorted.get((sorted.size() - 1) / 2) + sorted.get(sorted.size() / 2)) / 2;
        return Math.round(median * 100) / 100.0;
    }

    private static ModelSpec variant(int hidden, String solver) {
        ModelSpec s = BenchmarkModels.SPEC;
        return ModelSpec.builder().setSystem(s.system()).setAlgorithm(s.algorithm()).setWindowLength(s.windowLength())
                .setChannels(s.channels()).setDt(s.dt()).optMaxHorizon(s.maxHorizon()).setPhysicsName(s.physicsName())
                .setPhysicsRange(s.physicsMin(), s.physicsMax()).setNeuralLatents(s.neuralLatents()).setHidden(hidden)
                .setEmbedding(s.embedding()).optSubsteps(s.substeps()).optSolver(solver)
                .optLogObsVariance(s.logObsVariance()).optUseNeural(s.useNeural()).optUsePhysics(s.usePhysics())
                .optMeta(s.meta()).optPhysicsHeadMap(s.physicsHeadMap()).build();
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/serving-cost.json");
        int reps = 8;
        int[] batches = {1, 16, 200};
        Map<String, ModelSpec> variants = new LinkedHashMap<>();
        variants.put("rk4_hidden_32 (served today)", variant(32, "rk4"));
        variants.put("rk4_hidden_16", variant(16, "rk4"));
        variants.put("euler_hidden_32", variant(32, "euler"));
        variants.put("euler_hidden_16", variant(16, "euler"));
        double loadBefore = BenchmarkModels.loadAverage();
        Map<String, HybridVae> models = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (var v : variants.entrySet()) {
                HybridVae model = BenchmarkModels.train(v.getValue(), manager);
                model.setBandMethod(BandMethod.SIGMA_POINTS);
                models.put(v.getKey(), model);
            }
            // the fused kernel of the served model, on its bundle's parameters, timed in the same rounds as DJL
            String served = variants.keySet().iterator().next();
            byte[] parameters = ModelBundle.read(ModelBundle.write(models.get(served), Map.of(), "{}")).parameters();
            Map<String, HybridModel> kernels = new LinkedHashMap<>();
            kernels.put("kernel_ms", ServingKernel.of(variants.get(served), parameters));
            kernels.put("kernel_scalar_ms", ServingKernel.of(variants.get(served), parameters,
                    ServingKernel.Backend.SCALAR));
            // the same kernel for sensors whose own errors set the band (forecast.model.band): no sigma rows
            kernels.put(CALIBRATED, ServingKernel.of(variants.get(served), parameters));
            // the Vector API is only fast once C2 has compiled the kernel: warm it up beyond the rounds' own warm-up
            BenchmarkModels.CallInputs warm = BenchmarkModels.CallInputs.of(16);
            for (int i = 0; i < 40; i++) {
                kernels.get("kernel_ms").inferWithPooledContext(warm.windows(), warm.pooledSums(), warm.pooledCounts(),
                        20);
                if (i % 8 == 0) {
                    kernels.get("kernel_scalar_ms").inferWithPooledContext(warm.windows(), warm.pooledSums(),
                            warm.pooledCounts(), 20);
                }
            }
            Map<String, Map<String, Object>> kernelRows = new LinkedHashMap<>();
            Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
            for (int b : batches) {
                BenchmarkModels.CallInputs in = BenchmarkModels.CallInputs.of(b);
                Map<String, Double> total = new LinkedHashMap<>();
                // per-call times too: on a shared machine the median of the kernel's and DJL's calls is the steadier
                Map<String, List<Double>> calls = new LinkedHashMap<>();
                for (int r = 0; r < reps + 2; r++) {
                    for (var m : models.entrySet()) {
                        long t0 = System.nanoTime();
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        m.getValue().inferWithPooledContext(in.windows(), in.pooledSums(), in.pooledCounts(), 20);
                        if (r >= 2) {
                            double ms = (System.nanoTime() - t0) / 1e6;
                            total.merge(m.getKey(), ms, Double::sum);
                            calls.computeIfAbsent(m.getKey(), x -> new ArrayList<>()).add(ms);
                            calls.computeIfAbsent(cpu(m.getKey()), x -> new ArrayList<>())
                                    .add((THREADS.getCurrentThreadCpuTime() - c0) / 1e6);
                        }
                    }
                    for (var k : kernels.entrySet()) {
                        long t0 = System.nanoTime();
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        k.getValue().inferWithPooledContext(in.windows(), in.pooledSums(), in.pooledCounts(), 20,
                                k.getKey().equals(CALIBRATED) ? new boolean[b] : null);
                        if (r >= 2) {
                            double ms = (System.nanoTime() - t0) / 1e6;
                            total.merge(k.getKey(), ms, Double::sum);
                            calls.computeIfAbsent(k.getKey(), x -> new ArrayList<>()).add(ms);
                            calls.computeIfAbsent(cpu(k.getKey()), x -> new ArrayList<>())
                                    .add((THREADS.getCurrentThreadCpuTime() - c0) / 1e6);
                        }
                    }
                }
                for (var t : total.entrySet()) {
                    double ms = t.getValue() / reps;
                    if (kernels.containsKey(t.getKey()) || t.getKey().equals(served)) {
                        String key = kernels.containsKey(t.getKey()) ? t.getKey() : "djl_ms";
                        kernelRows.computeIfAbsent(key, x -> new LinkedHashMap<>())
                                .put("batch_" + b, median(calls.get(t.getKey())));
                        kernelRows.computeIfAbsent(cpu(key), x -> new LinkedHashMap<>())
                                .put("batch_" + b, median(calls.get(cpu(t.getKey()))));
                        if (kernels.containsKey(t.getKey())) {
                            continue;
                        }
                    }
                    Map<String, Object> row = rows.computeIfAbsent(t.getKey(), k -> new LinkedHashMap<>());
                    row.put("batch_" + b + "_ms_per_call", Math.round(ms * 10) / 10.0);
                    row.put("batch_" + b + "_us_per_window", Math.round(ms * 1000 / b));
                }
                System.out.printf("batch %d: %s%n", b, total);
            }
            // the kernel against DJL on the 200-window call: DJL's outputs as a golden set the kernel must match
            BenchmarkModels.CallInputs big = BenchmarkModels.CallInputs.of(200);
            GoldenSet reference = new GoldenSet(20, new double[0][][], new double[0][], big.windows(),
                    big.pooledSums(), big.pooledCounts(), models.get(served).inferWithPooledContext(big.windows(),
                    big.pooledSums(), big.pooledCounts(), 20));
            GoldenSet.Verdict verdict = reference.check(kernels.get("kernel_ms"));
            GoldenSet.Verdict scalarVerdict = reference.check(kernels.get("kernel_scalar_ms"));
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("kernel_model", served + " (" + ServingKernel.Backend.available() + " backend; the same calls "
                    + "as DJL, interleaved in the same rounds; median ms per call of " + reps + "; *_cpu_ms: the calling thread's CPU time, "
                    + "robust to the load of the shared machine)");
            report.putAll(kernelRows);
            report.put("kernel_vs_djl_max_rel_diff", verdict.maxRelativeDifference());
            report.put("kernel_vs_djl_worst_output", verdict.worstOutput());
            report.put("kernel_scalar_vs_djl_max_rel_diff", scalarVerdict.maxRelativeDifference());
            report.put("kernel_tolerance", verdict.tolerance());
            report.put("ms_per_call_sigma_points_horizon_20", rows);
            report.put("model", "BenchmarkModels.SPEC (meta-hybrid-vae, window 50, horizon 20, 2 neural latents, "
                    + "embedding 16) with the hidden width and solver of each row");
            report.put("repetitions", reps);
            BenchmarkModels.writeReport(report, loadBefore, out);
        } finally {
            models.values().forEach(HybridVae::close);
        }
    }
}
