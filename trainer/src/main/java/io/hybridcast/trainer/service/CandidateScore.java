package io.hybridcast.trainer.service;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a model does on held-out recent windows: prediction MSE over the forecast horizon, window
 * reconstruction MSE, and physics consistency — the spread of a sensor's z_p estimates across its held-out
 * windows (a pendulum's ω does not change from one window to the next, so a model that reports the true
 * physics gives nearly the same value each time).
 *
 * @param msePred  mean squared forecast error over the horizon
 * @param mseRec   mean squared reconstruction error of the window
 * @param zpSpread mean over sensors of the standard deviation of their z_p estimates
 * @param windows  held-out windows scored
 * @param truthMseZp      MSE of z_p against the simulator's ground truth (NaN without truth): reported, never
 *                        used to train or promote
 * @param truthRelErrZpPct mean relative error of z_p against the ground truth, % (NaN without truth)
 */
public record CandidateScore(double msePred, double mseRec, double zpSpread, int windows, double truthMseZp,
                             double truthRelErrZpPct) {

    /** A score without ground truth. */
    public CandidateScore(double msePred, double mseRec, double zpSpread, int windows) {
        this(msePred, mseRec, zpSpread, windows, Double.NaN, Double.NaN);
    }

    /** As published with a model version. */
    public Map<String, Double> asMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mse_pred", msePred);
        m.put("mse_rec", mseRec);
        m.put("zp_spread", zpSpread);
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
        return new CandidateScore(pred / predCount, rec / recCount, sensors == 0 ? 0 : spread / sensors, n,
                truthCount == 0 ? Double.NaN : truthSq / truthCount,
                truthCount == 0 ? Double.NaN : 100 * truthRel / truthCount);
    }
}
