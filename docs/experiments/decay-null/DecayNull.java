package io.hybridcast.streams.topology;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.model.fusion.ForcedSwing;
import io.hybridcast.model.fusion.FreeOscillation;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.streams.testing.CollectingSink;
import io.hybridcast.streams.testing.TopologyFixture;
import java.time.Duration;
import java.util.*;

/**
 * The null distribution of the pendulum decay test's statistic ({@code FreeDecay}, the damping check of
 * {@code DecayCheck}) on the live-quality benchmark's random fleets (48 pendulums, 8 random faults over 300 s, seeds
 * {@code args[0]}): every look at six consecutive windows of a pendulum before anything happened to it (no fault, no
 * operating event, no change), its free-swing amplitudes fitted at the true ω times each of {@code args[1]} (the
 * published ω is off by that much), then at the frequency with the largest amplitude over the six windows within
 * [0.8, 1.25] of it, then the least statistic over that ω divided and multiplied by 1.2 (an interval of ±20 %, as
 * {@code DecayCheck} now asks the test to hold across the published interval). The truth is used to pick clean looks and as the ω to perturb: a study, never the app.
 * With CP the classpath RandomRunReplay runs with (its Javadoc), from the repository root:
 * {@code javac -d /tmp/decay -cp "$CP" docs/experiments/decay-null/DecayNull.java && java -cp "/tmp/decay:$CP"
 * io.hybridcast.streams.topology.DecayNull 7,11,13 1.0,0.9,1.12,0.8}
 */
public class DecayNull {
    /** The frequency in [0.8, 1.25] x start with the largest free-swing amplitude over the six windows. */
    static double fitted(TreeMap<Long, double[]> v, long end, double start, double hz) {
        double best = start, bestPower = -1;
        for (int g = 0; g <= 60; g++) {
            double w = start * Math.exp(Math.log(0.8) + g * (Math.log(1.25) - Math.log(0.8)) / 60);
            double power = 0;
            for (int i = 0; i < 6; i++) {
                long f = end - (6 - i) * 50L + 1;
                double[][] win = new double[50][];
                for (int k = 0; k < 50; k++) win[k] = v.get(f + k);
                double a = FreeOscillation.amplitude(win, 0, 0.05, w, hz)[0];
                power += a * a;
            }
            if (power > bestPower) { bestPower = power; best = w; }
        }
        return best;
    }

    public static void main(String[] a) throws Exception {
        double[] scales = Arrays.stream(a[1].split(",")).mapToDouble(Double::parseDouble).toArray();
        List<double[]> stats = new ArrayList<>();
        for (String seedText : a[0].split(",")) {
            long seed = Long.parseLong(seedText);
            CollectingSink sink = new CollectingSink();
            try (FleetSimulator fleet = FleetSimulator.builder().pendulums(48).advectionDiffusion(1).doublePendulums(1)
                    .seed(seed).randomFaults(8).randomFaultsHorizon(Duration.ofSeconds(300)).rate(Rate.AS_FAST_AS_POSSIBLE)
                    .maxRecords(50L * 50 * 300).startEventTime(TopologyFixture.T0).sink(sink).build()) {
                fleet.start(); fleet.awaitCompletion(Duration.ofMinutes(5));
            }
            Map<String, TreeMap<Long, double[]>> values = new TreeMap<>();
            for (SensorReading r : sink.readings) if (r.getSensorId().startsWith("pendulum-")) values.computeIfAbsent(r.getSensorId(), k -> new TreeMap<>()).put(r.getSequence(), new double[]{r.getValues().get(0)});
            // sequences with any truth record (a fault, an event, a change) other than the initial one
            Map<String, List<Long>> marks = new HashMap<>();
            Map<String, Double> omega = new HashMap<>();
            for (SensorTruth t : sink.truth) {
                if (!t.getSensorId().startsWith("pendulum-")) continue;
                if (t.getFromSequence() == 0) { omega.put(t.getSensorId(), t.getPhysics().get("omega")); continue; }
                marks.computeIfAbsent(t.getSensorId(), k -> new ArrayList<>()).add(t.getFromSequence());
            }
            for (var e : values.entrySet()) {
                String id = e.getKey(); TreeMap<Long, double[]> v = e.getValue();
                List<Long> m = marks.getOrDefault(id, List.of());
                for (long end = 399; end < 6000; end += 50) {
                    long first = end - 7 * 50 + 1;
                    boolean clean = true;
                    for (long s : m) if (s >= 0 && s <= end + 50) { clean = false; break; } // nothing since the start
                    if (!clean) break;
                    boolean complete = true;
                    for (long q = first; q <= end; q++) if (!v.containsKey(q)) { complete = false; break; }
                    if (!complete) continue;
                    double[][][] ctx = new double[5][50][]; long[] starts = new long[5];
                    for (int j = 0; j < 5; j++) { starts[j] = first + j * 50L; for (int k = 0; k < 50; k++) ctx[j][k] = v.get(starts[j] + k); }
                    var fo = ForcedSwing.forcing(ctx, starts, 0, 0.05);
                    double hz = fo.clear() ? fo.hz() : Double.NaN;
                    // per scale: at that omega; at the frequency fitted per look; the least over omega / 1.2, omega, omega x 1.2
                    double[] row = new double[3 * scales.length];
                    for (int si = 0; si < 3 * scales.length; si++) {
                        int variant = si / scales.length;
                        double w0 = omega.get(id) * scales[si % scales.length];
                        if (variant == 1) {
                            w0 = fitted(v, end, w0, hz);
                        }
                        double stat = Double.POSITIVE_INFINITY;
                        for (double factor : variant == 2 ? new double[] {1 / 1.2, 1, 1.2} : new double[] {1}) {
                            double[] x = new double[6], amp = new double[6], std = new double[6];
                            for (int i = 0; i < 6; i++) {
                                long f = end - (6 - i) * 50L + 1;
                                double[][] win = new double[50][];
                                for (int k = 0; k < 50; k++) win[k] = v.get(f + k);
                                double[] fit = FreeOscillation.amplitude(win, 0, 0.05, w0 * factor, hz);
                                x[i] = f / 50.0; amp[i] = fit[0]; std[i] = fit[1];
                            }
                            FreeDecay.Result r = FreeDecay.test(x, amp, std, 2.5);
                            stat = r == null ? Double.NaN : Math.min(stat, r.statistic());
                        }
                        row[si] = stat;
                    }
                    stats.add(row);
                }
            }
        }
        String[] names = {"", "fitted from ", "least over /1.2, x1, x1.2 of "};
        for (int si = 0; si < 3 * scales.length; si++) {
            final int s = si;
            double[] st = stats.stream().mapToDouble(r -> r[s]).filter(Double::isFinite).sorted().toArray();
            long above = Arrays.stream(st).filter(q -> q >= 4.5).count();
            System.out.printf(names[si / scales.length] + "omega x %.2f: looks %d (tested %d), p99 %.2f p999 %.2f max %.2f, >= 4.5: %d%n",
                scales[si % scales.length], stats.size(), st.length,
                st[(int) (0.99 * (st.length - 1))], st[(int) (0.999 * (st.length - 1))], st[st.length - 1], above);
        }
    }
}
