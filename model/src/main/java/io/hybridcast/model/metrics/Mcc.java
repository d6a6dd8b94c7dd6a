package io.hybridcast.model.metrics;

import org.jgrapht.Graph;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mean correlation coefficient (SCIENCE.md section 4; not Matthews'): the absolute correlations between
 * learned and true factors, matched one-to-one by the Hungarian algorithm (JGraphT's Kuhn-Munkres) so that
 * the sum of matched |correlations| is largest, then averaged. Permutations, rescaling and sign flips of
 * the truth therefore score 1.
 *
 * <p>Unequal dimensions: the smaller side is padded with dummy factors whose correlation with everything
 * is 0, so every factor of the larger side is matched; the mean is taken over the {@code min(d1, d2)} real
 * pairs. (A learned latent with no true counterpart is not penalised; a true factor no latent captures is
 * reported by {@link Result#pairs()} missing it.)
 */
public final class Mcc {

    /** Which correlation to match on. */
    public enum Method { PEARSON, SPEARMAN }

    /**
     * The result.
     *
     * @param mcc   mean |correlation| over the matched real pairs
     * @param pairs for each matched pair: {learned index, true index}
     * @param correlations |correlation| of each pair, in the order of {@code pairs}
     */
    public record Result(double mcc, List<int[]> pairs, List<Double> correlations) {
    }

    private Mcc() {
    }

    /**
     * @param learned [N][d1] learned latents per sample
     * @param truth   [N][d2] true factors per sample
     */
    public static Result compute(double[][] learned, double[][] truth, Method method) {
        if (learned.length != truth.length || learned.length < 2) {
            throw new IllegalArgumentException("need the same number (>= 2) of learned and true samples, got "
                    + learned.length + " and " + truth.length);
        }
        int d1 = checkedWidth(learned, "learned");
        int d2 = checkedWidth(truth, "truth");
        double[][] corr = new double[d1][d2];
        for (int i = 0; i < d1; i++) {
            double[] li = column(learned, i);
            for (int j = 0; j < d2; j++) {
                double[] tj = column(truth, j);
                double c = method == Method.PEARSON ? Correlation.pearson(li, tj) : Correlation.spearman(li, tj);
                corr[i][j] = Math.abs(c);
            }
        }
        int size = Math.max(d1, d2);
        Graph<Integer, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        Set<Integer> left = new HashSet<>();
        Set<Integer> right = new HashSet<>();
        for (int i = 0; i < size; i++) {
            graph.addVertex(i);
            left.add(i);
            graph.addVertex(size + i);
            right.add(size + i);
        }
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double c = i < d1 && j < d2 ? corr[i][j] : 0;
                DefaultWeightedEdge e = graph.addEdge(i, size + j);
                graph.setEdgeWeight(e, 1 - c); // minimal weight = maximal total |correlation|
            }
        }
        MatchingAlgorithm.Matching<Integer, DefaultWeightedEdge> matching =
                new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(graph, left, right).getMatching();
        List<int[]> pairs = new ArrayList<>();
        List<Double> correlations = new ArrayList<>();
        double sum = 0;
        for (DefaultWeightedEdge e : matching.getEdges()) {
            int a = graph.getEdgeSource(e);
            int b = graph.getEdgeTarget(e);
            int i = Math.min(a, b);
            int j = Math.max(a, b) - size;
            if (i < d1 && j < d2) {
                pairs.add(new int[] {i, j});
                correlations.add(corr[i][j]);
                sum += corr[i][j];
            }
        }
        return new Result(sum / Math.min(d1, d2), pairs, correlations);
    }

    /**
     * The common row width of a sample matrix. Refuses ragged rows, zero width and non-finite values: a
     * diverged model's NaN latents would otherwise turn into NaN edge weights, which the Hungarian matching
     * does not reject, and the MCC would be silently meaningless.
     */
    private static int checkedWidth(double[][] rows, String name) {
        int width = rows[0].length;
        if (width == 0) {
            throw new IllegalArgumentException("MCC needs at least one " + name + " factor, got rows of width 0");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("MCC " + name + " row " + i + " has " + rows[i].length
                        + " factors, row 0 has " + width);
            }
            for (int j = 0; j < width; j++) {
                if (!Double.isFinite(rows[i][j])) {
                    throw new IllegalArgumentException("MCC " + name + "[" + i + "][" + j + "] is " + rows[i][j]
                            + "; every value must be finite");
                }
            }
        }
        return width;
    }

    private static double[] column(double[][] rows, int c) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][c];
        }
        return out;
    }
}
