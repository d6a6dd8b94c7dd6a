package io.hybridcast.streams.benchmark;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.model.vae.HybridVae;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model call of the streams app's benchmark model (window 50, horizon 20, K = 5 context), Monte-Carlo band
 * (posterior mean + 16 samples) against the sigma-point band, interleaved call by call in one process so that
 * machine load hits both alike. Writes {@code docs/benchmarks/inference-bands.json}.
 *
 * <pre>
 * java -cp &lt;streams-app test classpath&gt; &lt;DJL flags&gt; io.hybridcast.streams.benchmark.InferenceBandBenchmark
 * </pre>
 */
public final class InferenceBandBenchmark {

    private InferenceBandBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/inference-bands.json");
        int reps = 8;
        double loadBefore = BenchmarkModels.loadAverage();
        Map<String, Object> report = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager();
             HybridVae model = BenchmarkModels.train(BenchmarkModels.SPEC, manager)) {
            Map<String, Object> calls = new LinkedHashMap<>();
            for (int b : new int[] {64, 1, 16, 64, 200}) { // the first 64 warms the JIT up and is overwritten
                BenchmarkModels.CallInputs in = BenchmarkModels.CallInputs.of(b);
                double[] total = new double[2];
                for (int r = 0; r < reps + 2; r++) {
                    for (int m = 0; m < 2; m++) {
                        model.setBandMethod(m == 0 ? BandMethod.MONTE_CARLO
                                : BandMethod.SIGMA_POINTS);
                        long t0 = System.nanoTime();
                        model.inferWithPooledContext(in.windows(), in.pooledSums(), in.pooledCounts(), 20);
                        if (r >= 2) {
                            total[m] += (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("monte_carlo_16_ms", Math.round(total[0] / reps * 10) / 10.0);
                row.put("sigma_points_ms", Math.round(total[1] / reps * 10) / 10.0);
                row.put("speed_up", Math.round(total[0] / total[1] * 10) / 10.0);
                calls.put("batch_" + b, row);
                System.out.printf("batch %d: %s%n", b, row);
            }
            report.put("ms_per_call", calls);
        }
        report.put("model", "BenchmarkModels.SPEC: meta-hybrid-vae, window 50, horizon 20, hidden 32, 2 neural latents, rk4");
        report.put("repetitions", reps);
        BenchmarkModels.writeReport(report, loadBefore, out);
    }
}
