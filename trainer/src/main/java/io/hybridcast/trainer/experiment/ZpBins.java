package io.hybridcast.trainer.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relative error of z_p on the test windows, broken down by bins of the true z_p (equal-width bins of the
 * training range), with the count of each bin: where the error sits, e.g. the slow pendulums whose window holds
 * under half a period (docs/model.md). A truth outside the range counts in the nearest end bin.
 *
 * @param edges     bin edges, {@code bins + 1} ascending values
 * @param counts    test windows whose true z_p falls in each bin
 * @param relErrPct mean relative error (%) of each read-out ("encoder", "profile", "profile_pooled") per bin;
 *                  NaN for an empty bin
 */
record ZpBins(double[] edges, int[] counts, Map<String, double[]> relErrPct) {

    /** Equal-width bins of {@code range} ({min, max}). */
    static double[] edges(double[] range, int bins) {
        if (bins < 1 || !(range[1] > range[0])) {
            throw new IllegalArgumentException("need at least one bin of a non-empty range");
        }
        double[] out = new double[bins + 1];
        for (int k = 0; k <= bins; k++) {
            out[k] = range[0] + (range[1] - range[0]) * k / bins;
        }
        out[bins] = range[1];
        return out;
    }

    /** Bin of {@code value}: [edges[k], edges[k+1]), the last bin closed; outside values in the end bins. */
    static int binOf(double value, double[] edges) {
        int bins = edges.length - 1;
        for (int k = 1; k < bins; k++) {
            if (value < edges[k]) {
                return k - 1;
            }
        }
        return bins - 1;
    }

    /** The table for {@code truth} and each named read-out's estimates of the same windows (null ones skipped). */
    static ZpBins of(double[] truth, double[] edges, Map<String, double[]> estimates) {
        int bins = edges.length - 1;
        int[] counts = new int[bins];
        int[] binOf = new int[truth.length];
        for (int i = 0; i < truth.length; i++) {
            binOf[i] = binOf(truth[i], edges);
            counts[binOf[i]]++;
        }
        Map<String, double[]> errors = new LinkedHashMap<>();
        estimates.forEach((name, estimate) -> {
            if (estimate == null) {
                return;
            }
            if (estimate.length != truth.length) {
                throw new IllegalArgumentException(name + ": " + estimate.length + " estimates for " + truth.length
                        + " windows");
            }
            double[] sum = new double[bins];
            for (int i = 0; i < truth.length; i++) {
                sum[binOf[i]] += Math.abs(estimate[i] - truth[i]) / Math.abs(truth[i]);
            }
            double[] pct = new double[bins];
            for (int k = 0; k < bins; k++) {
                pct[k] = counts[k] == 0 ? Double.NaN : 100 * sum[k] / counts[k];
            }
            errors.put(name, pct);
        });
        return new ZpBins(edges, counts, errors);
    }

    /**
     * Oscillation periods of a pendulum at ω that a window of {@code windowSeconds} holds: ω·T/(2π). Half a
     * period or less hardly constrains ω.
     */
    static double periods(double omega, double windowSeconds) {
        return omega * windowSeconds / (2 * Math.PI);
    }

    /** results.json rows, one per bin ({@code windowSeconds} NaN: no periods column, a system other than the pendulum). */
    List<Map<String, Object>> json(double windowSeconds) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("true_zp", new double[] {edges[k], edges[k + 1]});
            if (!Double.isNaN(windowSeconds)) {
                row.put("periods_per_window", new double[] {periods(edges[k], windowSeconds),
                        periods(edges[k + 1], windowSeconds)});
            }
            row.put("count", counts[k]);
            int bin = k;
            relErrPct.forEach((name, pct) -> row.put("rel_err_zp_" + name + "_pct",
                    Double.isNaN(pct[bin]) ? null : pct[bin]));
            rows.add(row);
        }
        return rows;
    }

    /** Per-bin errors averaged over seeds (the bins and counts are the test set's, the same for every seed). */
    static ZpBins meanOver(List<ZpBins> tables) {
        ZpBins first = tables.get(0);
        Map<String, double[]> mean = new LinkedHashMap<>();
        first.relErrPct().forEach((name, pct) -> {
            double[] sum = new double[pct.length];
            for (ZpBins table : tables) {
                for (int k = 0; k < pct.length; k++) {
                    sum[k] += table.relErrPct().get(name)[k] / tables.size();
                }
            }
            mean.put(name, sum);
        });
        return new ZpBins(first.edges(), first.counts(), mean);
    }
}
