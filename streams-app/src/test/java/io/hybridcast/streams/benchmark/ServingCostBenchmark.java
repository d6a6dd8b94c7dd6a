package io.hybridcast.streams.benchmark;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.HybridVae;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one serving call (sigma-point band, horizon 20) costs for smaller variants of the benchmark model: the
 * data for deciding whether a cheaper model is worth its accuracy, since the call's cost bounds the streams app's
 * throughput (docs/streams-app.md "Benchmark"). Each variant is trained briefly (the cost does not depend on the
 * weights) and timed call by call, interleaved with the others, after warm-up calls. A command, not a test:
 * <pre>
 * java -cp &lt;streams-app test classpath&gt; &lt;DJL flags&gt; io.hybridcast.streams.benchmark.ServingCostBenchmark
 * </pre>
 */
public final class ServingCostBenchmark {

    private ServingCostBenchmark() {
    }

    private static ModelSpec variant(int hidden, String solver) {
        ModelSpec s = BenchmarkModels.SPEC;
        return new ModelSpec(s.system(), s.algorithm(), s.windowLength(), s.channels(), s.dt(), s.maxHorizon(),
                s.physicsName(), s.physicsMin(), s.physicsMax(), s.neuralLatents(), hidden, s.embedding(),
                s.substeps(), solver, s.logObsVariance(), s.useNeural(), s.usePhysics(), s.meta(),
                s.physicsHeadMap());
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
                model.setBandMethod(HybridVae.BandMethod.SIGMA_POINTS);
                models.put(v.getKey(), model);
            }
            Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
            for (int b : batches) {
                BenchmarkModels.CallInputs in = BenchmarkModels.CallInputs.of(b);
                Map<String, Double> total = new LinkedHashMap<>();
                for (int r = 0; r < reps + 2; r++) {
                    for (var m : models.entrySet()) {
                        long t0 = System.nanoTime();
                        m.getValue().inferWithPooledContext(in.windows(), in.pooledSums(), in.pooledCounts(), 20);
                        if (r >= 2) {
                            total.merge(m.getKey(), (System.nanoTime() - t0) / 1e6, Double::sum);
                        }
                    }
                }
                for (var t : total.entrySet()) {
                    double ms = t.getValue() / reps;
                    Map<String, Object> row = rows.computeIfAbsent(t.getKey(), k -> new LinkedHashMap<>());
                    row.put("batch_" + b + "_ms_per_call", Math.round(ms * 10) / 10.0);
                    row.put("batch_" + b + "_us_per_window", Math.round(ms * 1000 / b));
                }
                System.out.printf("batch %d: %s%n", b, total);
            }
            Map<String, Object> report = new LinkedHashMap<>();
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
