package io.hybridcast.trainer.service;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a model does on held-out recent windows: prediction MSE over the forecast horizon, window
 * reconstruction MSE, and physics consistency without ground truth. A pendulum's ω does not change from one
 * window to the next, so a model that reports the true physics gives nearly the same value for a sensor each
 * time, while different sensors may differ: consistency is the spread of a sensor's z_p estimates *relative to*
 * their spread across the whole fleet. (The absolute within-sensor spread alone rewards a physics head that
 * collapsed to one value for every sensor; measured on the local stack, such a candidate had spread 0.000 and
 * was promoted.) The share of estimates sitting on a bound of the prior range shows a head stuck at its clamp.
 *
 * @param msePred          mean squared forecast error over the horizon
 * @param mseRec           mean squared reconstruction error of the window
 * @param zpSpread         mean over sensors of the standard deviation of their z_p estimates (reported)
 * @param zpRelativeSpread {@code zpSpread} divided by the standard deviation of all held-out z_p estimates;
 *                         infinite when the estimates do not vary at all (no physics information)
 * @param zpAtBound        fraction of held-out z_p estimates within 0.5 % of the prior range's width of a bound
 * @param windows          held-out windows scored
 * @param truthMseZp       MSE of z_p against the simulator's ground truth (NaN without truth): reported, never
 *                         used to train or promote
 * @param truthRelErrZpPct mean relative error of z_p against the ground truth, % (NaN without truth)
 */
public record CandidateScore(double msePred, double mseRec, double zpSpread, double zpRelativeSpread,
                             double zpAtBound, int windows, double truthMseZp, double truthRelErrZpPct) {

    /** A score without ground truth. */
    public CandidateScore(double msePred, double mseRec, double zpRelativeSpread, double zpAtBound, int windows) {
        this(msePred, mseRec, Double.NaN, zpRelativeSpread, zpAtBound, windows, Double.NaN, Double.NaN);
    }

    /** As published with a model version. */
    public Map<String, Double> asMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mse_pred", msePred);
        m.put("mse_rec", mseRec);
        m.put("zp_spread", zpSpread);
        if (Double.isFinite(zpRelativeSpread)) {
            m.put("zp_relative_spread", zpRelativeSpread);
        } else {
            m.put("zp_constant", 1.0); // every estimate the same value: keep the metrics finite for JSON readers
        }
        m.put("zp_at_bound", zpAtBound);
        m.put("heldout_windows", (double) windows);
        if (Double.isFinite(truthMseZp)) {
            m.put("truth_mse_zp", truthMseZp);
            m.put("truth_rel_err_zp_pct", truthRelErrZpPct);
        }
        return m;
    }

    /**
     * Scores a model on held-out windows of {@code windowLength + horizon} samples; the context of each is
     * up to {@code k} training windows of the same sensor.
     */
    public static CandidateScore of(HybridModel model, TaskWindows heldOut, TaskWindows train, int windowLength,
                                    int horizon, int k, java.util.Optional<GroundTruth> truth) {
        int n = heldOut.size();
        if (n == 0) {
            throw new IllegalArgumentException("no held-out windows to score on");
        }
        Map<Integer, List<Integer>> trainByTask = train.byTask();
        double[][][] inputs = new double[n][][];
        double[][][][] contexts = new double[n][][][];
        for (int i = 0; i < n; i++) {
            inputs[i] = java.util.Arrays.copyOf(heldOut.windows()[i], windowLength);
            List<Integer> mates = trainByTask.getOrDefault(heldOut.taskIds()[i], List.of());
            int from = Math.max(0, mates.size() - k);
            contexts[i] = new double[mates.size() - from][][];
            for (int j = from; j < mates.size(); j++) {
                contexts[i][j - from] = java.util.Arrays.copyOf(train.windows()[mates.get(j)], windowLength);
            }
        }
        Inference inf = model.infer(inputs, contexts, horizon);
        double pred = 0;
        double rec = 0;
        long predCount = 0;
        long recCount = 0;
        Map<Integer, double[]> zpStats = new java.util.HashMap<>(); // task -> {count, sum, sumSq}
        double allSum = 0;
        double allSumSq = 0;
        int atBound = 0;
        double lo = model.spec().physicsMin();
        double hi = model.spec().physicsMax();
        double margin = 0.005 * (hi - lo);
        double truthSq = 0;
        double truthRel = 0;
        int truthCount = 0;
        for (int i = 0; i < n; i++) {
            double[][] actual = heldOut.windows()[i];
            for (int t = 0; t < horizon; t++) {
                for (int c = 0; c < actual[0].length; c++) {
                    double d = inf.forecastMean()[i][t][c] - actual[windowLength + t][c];
                    pred += d * d;
                    predCount++;
                }
            }
            for (int t = 0; t < windowLength; t++) {
                for (int c = 0; c < actual[0].length; c++) {
                    double d = inf.reconstruction()[i][t][c] - actual[t][c];
                    rec += d * d;
                    recCount++;
                }
            }
            double zp = inf.physicsMean()[i][0];
            if (truth.isPresent()) {
                String sensor = heldOut.sensors().get(heldOut.taskIds()[i]);
                java.util.OptionalDouble t = truth.get().at(sensor, heldOut.sequences()[i] + windowLength - 1);
                if (t.isPresent()) {
                    truthSq += (zp - t.getAsDouble()) * (zp - t.getAsDouble());
                    truthRel += Math.abs(zp - t.getAsDouble()) / Math.abs(t.getAsDouble());
                    truthCount++;
                }
            }
            allSum += zp;
            allSumSq += zp * zp;
            atBound += zp <= lo + margin || zp >= hi - margin ? 1 : 0;
            double[] s = zpStats.computeIfAbsent(heldOut.taskIds()[i], key -> new double[3]);
            s[0]++;
            s[1] += zp;
            s[2] += zp * zp;
        }
        double spread = 0;
        int sensors = 0;
        for (double[] s : zpStats.values()) {
            if (s[0] >= 2) {
                double mean = s[1] / s[0];
                spread += Math.sqrt(Math.max(0, s[2] / s[0] - mean * mean));
                sensors++;
            }
        }
        double within = sensors == 0 ? 0 : spread / sensors;
        double allMean = allSum / n;
        double overall = Math.sqrt(Math.max(0, allSumSq / n - allMean * allMean));
        // below a millionth of the prior width the estimates are one value: no physics information at all
        double relative = overall <= 1e-6 * (hi - lo) ? Double.POSITIVE_INFINITY : within / overall;
        return new CandidateScore(pred / predCount, rec / recCount, within, relative, (double) atBound / n, n,
                truthCount == 0 ? Double.NaN : truthSq / truthCount,
                truthCount == 0 ? Double.NaN : 100 * truthRel / truthCount);
    }
}
