import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.trainer.basemodel.LiveWindows;
import io.hybridcast.trainer.basemodel.TwinPopulation;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Dumps the disjoint live-style window posteriors of simulated twin sensors: bundle sensors seconds gap seed out. */
public class FusionStudyDump {
    /** Std of the window's least-squares cubic in time: the slow (free) swing, blind to the fast forcing. */
    static double swing(double[][] x) {
        int n = x.length;
        double[][] m = new double[4][5];
        for (int t = 0; t < n; t++) {
            double u = 2.0 * t / (n - 1) - 1;
            double[] b = {1, u, u * u, u * u * u};
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) m[i][j] += b[i] * b[j];
                m[i][4] += b[i] * x[t][0];
            }
        }
        for (int i = 0; i < 4; i++) {
            for (int k = i + 1; k < 4; k++) {
                double f = m[k][i] / m[i][i];
                for (int j = i; j < 5; j++) m[k][j] -= f * m[i][j];
            }
        }
        double[] c = new double[4];
        for (int i = 3; i >= 0; i--) {
            double v = m[i][4];
            for (int j = i + 1; j < 4; j++) v -= m[i][j] * c[j];
            c[i] = v / m[i][i];
        }
        double sum = 0, sq = 0;
        for (int t = 0; t < n; t++) {
            double u = 2.0 * t / (n - 1) - 1;
            double y = c[0] + c[1] * u + c[2] * u * u + c[3] * u * u * u;
            sum += y; sq += y * y;
        }
        return Math.sqrt(Math.max(0, sq / n - (sum / n) * (sum / n)));
    }

    /** Sensors as the live simulator runs them: omega over its range, in motion from t = 0, no events. */
    static List<TwinPopulation.Sensor> live(int count, double seconds, long seed) {
        io.hybridcast.simulator.physics.PhysicalSystem sys = io.hybridcast.simulator.physics.PhysicalSystems.of(SystemKind.PENDULUM);
        java.util.SplittableRandom root = new java.util.SplittableRandom(seed);
        List<TwinPopulation.Sensor> out = new java.util.ArrayList<>();
        double dt = sys.dt();
        int n = (int) Math.round(seconds / dt);
        for (int s = 0; s < count; s++) {
            java.util.SplittableRandom rng = root.split();
            double omega = 0.785 + (3.14 - 0.785) * rng.nextDouble();
            double[] un = sys.sampleUnmodelled(rng);
            double[] state = sys.initialState(rng, false);
            var ode = sys.equations(omega, un);
            var integ = new io.hybridcast.simulator.physics.GroundTruthIntegrator(1e-8);
            double[][] samples = new double[n][];
            double[] obs = new double[1];
            double t = 0;
            int quiet = 0, k = 0, kicks = 0;
            while (k < n) {
                int chunk = Math.min(10, n - k);
                double[][] st = integ.advanceSamples(ode, t, state, dt, chunk);
                for (double[] x : st) {
                    sys.observe(x, obs);
                    double u = 1 - rng.nextDouble(), v = rng.nextDouble();
                    samples[k++] = new double[]{obs[0] + 0.01 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)};
                    quiet = sys.runDown(x) ? quiet + 1 : 0;
                }
                t += chunk * dt;
                if (quiet >= 100) { sys.excite(state, rng); quiet = 0; kicks++; }
            }
            out.add(new TwinPopulation.Sensor(omega, un, samples, new int[]{kicks}));
        }
        return out;
    }

    public static void main(String[] a) throws Exception {
        Path bundle = Path.of(a[0]);
        int sensors = Integer.parseInt(a[1]);
        double seconds = Double.parseDouble(a[2]);
        double gap = a[3].equals("live") ? 0 : Double.parseDouble(a[3]);
        long seed = Long.parseLong(a[4]);
        int every = a.length > 6 ? Integer.parseInt(a[6]) : 5;
        List<TwinPopulation.Sensor> pop = a[3].equals("live") ? live(sensors, seconds, seed)
                : TwinPopulation.simulate(TwinPopulation.Spec.of(SystemKind.PENDULUM, sensors, seconds, gap), seed);
        LiveWindows w = LiveWindows.cut(pop, 50, 10, 5, every, 2 * Math.PI);
        try (NDManager m = NDManager.newBaseManager(); PrintWriter out = new PrintWriter(a[5])) {
            HybridVae model = ModelBundle.read(bundle).instantiate(m);
            out.println("sensor,truth,gamma,A,f,end,mean,std,events,swing");
            for (int from = 0; from < w.size(); from += 256) {
                int to = Math.min(w.size(), from + 256);
                Inference inf = model.infer(Arrays.copyOfRange(w.queries(), from, to),
                        Arrays.copyOfRange(w.contexts(), from, to), 0);
                for (int i = from; i < to; i++) {
                    TwinPopulation.Sensor s = pop.get(w.sensor()[i]);
                    out.printf(java.util.Locale.ROOT, "%d,%.5f,%.4f,%.3f,%.3f,%d,%.5f,%.5f,%d,%.5f%n", w.sensor()[i],
                            s.physics(), s.unmodelled()[0], s.unmodelled()[1], s.unmodelled()[2], w.end()[i],
                            inf.physicsMean()[i - from][0], inf.physicsStd()[i - from][0],
                            Arrays.stream(s.events()).sum(), swing(w.queries()[i]));
                }
            }
        }
    }
}
