import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.fusion.*;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.trainer.basemodel.*;
import java.nio.file.*;
import java.util.*;

/**
 * How a run's 95 % interval coverage of ω scatters with the size of its pendulum fleet, and how the error and the
 * interval of the shipped pendulum bundle depend on the published ω: {@code args[0]} twin sensors (seed 4000012, the
 * calibration's held-out population, cut and fused as the streams app does) under the bundle's own calibration;
 * 4000 runs drawn per fleet size. Run from the repository root after {@code mvn -pl trainer -am -DskipTests package}:
 * {@code java -Dai.djl.offline=true -cp "trainer/target/trainer.jar:trainer/target/lib/*"
 * docs/experiments/interval-calibration/FleetSizeStudy.java 300}
 */
public class FleetSizeStudy {
    public static void main(String[] a) throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of("trainer/src/main/resources/base-models/pendulum.bundle"));
        int n = Integer.parseInt(a[0]);
        try (NDManager m = NDManager.newBaseManager()) {
            ModelBundle bundle = ModelBundle.read(bytes, "PENDULUM");
            var model = bundle.instantiate(m);
            var C = IntervalCalibration.fromMetrics(bundle.metrics(), PriorRange.PENDULUM);
            System.out.println("shipped: " + C);
            var fusion = BaseModelCalibration.fusion(SystemKind.PENDULUM, 50, 10, 5);
            long t0 = System.nanoTime();
            var check = IntervalCalibrationFit.points(model, BaseModelCalibration.population(SystemKind.PENDULUM, n, 150, 30, 4000012), fusion, LiveWindows.readingBound(SystemKind.PENDULUM));
            System.out.printf("points %d in %.0f s%n", check.size(), (System.nanoTime() - t0) / 1e9);
            System.out.printf("coverage %.3f rel err %.3f%n", check.coverage(C), check.relativeError(C));
            for (int fleet : new int[]{12, 24, 36, 48, 72}) {
                double[] runs = check.fleetCoverage(C, fleet, 4000, 1);
                long in = Arrays.stream(runs).filter(c -> c >= 0.85 && c <= 0.99).count();
                System.out.printf("fleet %d: p05 %.3f p50 %.3f p95 %.3f in band %.3f above %.3f%n", fleet,
                    runs[200], runs[2000], runs[3800], in / 4000.0, Arrays.stream(runs).filter(c -> c > 0.99).count() / 4000.0);
            }
            // per tier: error and half-width by published mean quartile
            for (boolean rev : new boolean[]{true, false}) {
                var p = check.tier(rev);
                int k = p.size();
                double[] mean = new double[k], err = new double[k], half = new double[k];
                boolean[] cov = new boolean[k];
                for (int i = 0; i < k; i++) {
                    var e = p.published(i, C);
                    mean[i] = e.mean(); err[i] = Math.abs(e.mean() - p.truth()[i]) / p.truth()[i];
                    half[i] = (e.upper95() - e.lower95()) / 2 / e.mean();
                    cov[i] = p.truth()[i] >= e.lower95() && p.truth()[i] <= e.upper95();
                }
                double[] edges = {0.3, 1.0, 1.5, 2.0, 2.5, 3.2, 10};
                System.out.println(rev ? "revealed tier" : "unrevealed tier");
                for (int b = 0; b + 1 < edges.length; b++) {
                    int c = 0; double se = 0, sh = 0, sc = 0; List<Double> es = new ArrayList<>();
                    Set<Integer> sens = new HashSet<>();
                    for (int i = 0; i < k; i++) if (mean[i] >= edges[b] && mean[i] < edges[b + 1]) { c++; se += err[i]; sh += half[i]; sc += cov[i] ? 1 : 0; es.add(err[i]); sens.add(p.sensor()[i]); }
                    if (c == 0) continue;
                    Collections.sort(es);
                    System.out.printf("  omega^ [%.1f, %.1f): points %d sensors %d, mean err %.3f, p90 err %.3f, mean half-width %.3f, coverage %.3f%n",
                        edges[b], edges[b + 1], c, sens.size(), se / c, es.get((int) (0.9 * (c - 1))), sh / c, sc / c);
                }
            }
        }
    }
}
