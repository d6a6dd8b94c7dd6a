import io.hybridcast.model.fusion.ForcedSwing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays the streams app's forced-amplitude measurement (ForcedSwing over the 6 newest disjoint context windows
 * for the frequency, the query window's amplitude at it) over dumped readings (ExampleReadingsDump), and prints per
 * sensor, every 10 disjoint windows, sqrt(X_now / X_ref) with X_now forgotten at 0.8 per window and X_ref the
 * windows of 15-30 s: TrackerReplay READINGS.csv. Truth is not read (compare with forced_amplitude.py's column).
 */
public class TrackerReplay {
    public static void main(String[] a) throws Exception {
        Map<String, List<double[]>> bySensor = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of(a[0])).subList(1, Files.readAllLines(Path.of(a[0])).size())) {
            String[] p = line.split(",", -1);
            bySensor.computeIfAbsent(p[0], k -> new ArrayList<>()).add(new double[]{Long.parseLong(p[1]), Double.parseDouble(p[2])});
        }
        for (var e : bySensor.entrySet()) {
            List<double[]> r = e.getValue();
            int n = 50;
            List<double[][]> windows = new ArrayList<>();
            List<Long> starts = new ArrayList<>();
            for (int i = 0; i + n <= r.size(); i += n) {
                double[][] w = new double[n][1];
                for (int t = 0; t < n; t++) {
                    w[t][0] = r.get(i + t)[1];
                }
                windows.add(w);
                starts.add((long) r.get(i)[0]);
            }
            double ref = 0;
            int refN = 0;
            double now = Double.NaN;
            double kept = Double.NaN;
            StringBuilder out = new StringBuilder(e.getKey() + ":");
            long t0 = System.nanoTime();
            for (int k = 6; k < windows.size(); k++) {
                double[][][] ctx = windows.subList(k - 6, k).toArray(new double[0][][]);
                long[] st = starts.subList(k - 6, k).stream().mapToLong(Long::longValue).toArray();
                ForcedSwing.Forcing forcing = ForcedSwing.forcing(ctx, st, 0, 0.05);
                if (forcing.clear()) {
                    kept = forcing.hz();
                }
                double f = kept;
                double x = ForcedSwing.amplitude(windows.get(k), 0, 0.05, f)[0];
                long end = starts.get(k) + n - 1;
                if (Double.isNaN(x)) {
                    continue;
                }
                if (end >= 300 && end < 600) {
                    ref += x;
                    refN++;
                }
                now = Double.isNaN(now) ? x : 0.8 * now + 0.2 * x;
                if (k % 10 == 9 && refN > 0) {
                    out.append(String.format(Locale.ROOT, " %d:%.3f(f %.3f, %s %.1f sd)", end, Math.sqrt(now / (ref / refN)), f,
                            forcing.clear() ? "clear" : "kept", forcing.amplitude() / forcing.std()));
                }
            }
            System.out.println(out + String.format(Locale.ROOT, "  [%.1f ms per window]",
                    (System.nanoTime() - t0) / 1e6 / (windows.size() - 6)));
        }
    }
}
