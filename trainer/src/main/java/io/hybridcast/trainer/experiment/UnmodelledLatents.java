package io.hybridcast.trainer.experiment;

import io.hybridcast.model.metrics.Correlation;
import io.hybridcast.model.metrics.Mcc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MCC of every latent a model keeps for the unmodelled dynamics, z_n together with the drive's reading of f and
 * A ({@code DriveReading}), against the true unmodelled factors.
 *
 * <p>Why beside the MCC of z_n: a drive model writes the forcing with the drive's states, whose rate and size come
 * from a front-end's reading of the window, so the forcing's f and A need not pass through z_n at all
 * (docs/model.md). The MCC of z_n alone then says where z_n stands, not whether the model identifies the factors.
 * With more learned latents than factors the matching picks the best-matching latents and leaves the rest unmatched
 * ({@link Mcc}), which this report's per-factor pairs show.
 */
final class UnmodelledLatents {

    private UnmodelledLatents() {
    }

    /** The matching, or null for a model without a drive. */
    static Mcc.Result mcc(Experiment.Score sc) {
        return mcc(sc.learnedZn(), sc.driveLatents(), sc.trueZn());
    }

    /** The matching of z_n's columns and then the drive's ({@code drive} null: none) against {@code truth}. */
    static Mcc.Result mcc(double[][] zn, double[][] drive, double[][] truth) {
        return drive == null ? null : Mcc.compute(latents(zn, drive), truth, Mcc.Method.PEARSON);
    }

    /** The MCC, NaN for a model without a drive. */
    static double mccOrNaN(Experiment.Score sc) {
        Mcc.Result r = mcc(sc);
        return r == null ? Double.NaN : r.mcc();
    }

    /** z_n's columns, then the drive's f and A, per window. */
    static double[][] latents(double[][] zn, double[][] drive) {
        double[][] out = new double[zn.length][];
        for (int i = 0; i < zn.length; i++) {
            out[i] = new double[zn[i].length + drive[i].length];
            System.arraycopy(zn[i], 0, out[i], 0, zn[i].length);
            System.arraycopy(drive[i], 0, out[i], zn[i].length, drive[i].length);
        }
        return out;
    }

    /** The matched pairs for results.json: each true factor's latent and |correlation|; null without a drive. */
    static List<Map<String, Object>> pairs(Experiment.Score sc, List<String> factorNames) {
        Mcc.Result r = mcc(sc);
        return r == null ? null : pairs(r, sc.learnedZn()[0].length, factorNames);
    }

    /** The matched pairs of {@code r}: its first {@code zn} latents are z_n, the next two the drive's f and A. */
    static List<Map<String, Object>> pairs(Mcc.Result r, int zn, List<String> factorNames) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int k = 0; k < r.pairs().size(); k++) {
            int[] pair = r.pairs().get(k);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("factor", pair[1] < factorNames.size() ? factorNames.get(pair[1]) : "factor " + pair[1]);
            m.put("latent", pair[0] < zn ? "z_n[" + pair[0] + "]" : pair[0] == zn ? "drive f" : "drive A");
            m.put("abs_correlation", r.correlations().get(k));
            out.add(m);
        }
        return out;
    }

    /** |Pearson correlation| of each of the drive's readings (f, A) with each true factor; null without a drive. */
    static Map<String, Map<String, Double>> driveCorrelations(Experiment.Score sc, List<String> factorNames) {
        if (sc.driveLatents() == null) {
            return null;
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        String[] readings = {"drive f", "drive A"};
        for (int d = 0; d < readings.length; d++) {
            Map<String, Double> row = new LinkedHashMap<>();
            double[] reading = Experiment.column(sc.driveLatents(), d);
            for (int k = 0; k < sc.trueZn()[0].length; k++) {
                double r = Correlation.pearson(reading, Experiment.column(sc.trueZn(), k));
                String factor = k < factorNames.size() ? factorNames.get(k) : "factor " + k;
                row.put(factor, Double.isNaN(r) ? null : Math.abs(r));
            }
            out.put(readings[d], row);
        }
        return out;
    }
}
