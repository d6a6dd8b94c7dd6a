package io.hybridcast.trainer.experiment;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The z_p error by bins of the true z_p: the right window in the right bin, the right mean error per bin. */
class ZpBinsTest {

    private static final double[] RANGE = {0.785, 3.14};

    @Test
    void quartersOfTheTrainingRange() {
        double[] edges = ZpBins.edges(RANGE, 4);
        assertThat(edges).containsExactly(new double[] {0.785, 1.37375, 1.9625, 2.55125, 3.14}, within(1e-12));
        // lower edge inclusive, the last bin closed, outside values in the end bins
        assertThat(ZpBins.binOf(0.785, edges)).isZero();
        assertThat(ZpBins.binOf(1.37375, edges)).isEqualTo(1);
        assertThat(ZpBins.binOf(1.3737, edges)).isZero();
        assertThat(ZpBins.binOf(3.14, edges)).isEqualTo(3);
        assertThat(ZpBins.binOf(0.5, edges)).isZero();
        assertThat(ZpBins.binOf(3.3, edges)).isEqualTo(3);
    }

    @Test
    void meanRelativeErrorAndCountPerBin() {
        double[] truth = {0.9, 1.0, 2.0, 3.0, 3.1, 2.9};
        // encoder: 10 % off in the slow bin, 1 % elsewhere; profile: 2 % off everywhere
        double[] encoder = {0.99, 0.9, 2.02, 3.03, 3.069, 2.929};
        double[] profile = {0.918, 1.02, 1.96, 3.06, 3.162, 2.842};
        Map<String, double[]> estimates = new LinkedHashMap<>();
        estimates.put("encoder", encoder);
        estimates.put("profile", profile);
        estimates.put("profile_pooled", null);
        ZpBins bins = ZpBins.of(truth, ZpBins.edges(RANGE, 4), estimates);
        assertThat(bins.counts()).containsExactly(2, 0, 1, 3);
        assertThat(bins.relErrPct()).containsOnlyKeys("encoder", "profile");
        assertThat(bins.relErrPct().get("encoder")[0]).isCloseTo(10.0, within(1e-9));
        assertThat(bins.relErrPct().get("encoder")[1]).isNaN();
        assertThat(bins.relErrPct().get("encoder")[2]).isCloseTo(1.0, within(1e-9));
        assertThat(bins.relErrPct().get("encoder")[3]).isCloseTo(1.0, within(1e-9));
        assertThat(bins.relErrPct().get("profile")).containsExactly(new double[] {2, Double.NaN, 2, 2}, within(1e-9));

        List<Map<String, Object>> json = bins.json(2.5);
        assertThat(json).hasSize(4);
        assertThat(json.get(0)).containsEntry("count", 2).containsKey("rel_err_zp_encoder_pct");
        assertThat((double[]) json.get(0).get("periods_per_window"))
                .containsExactly(new double[] {0.785 * 2.5 / (2 * Math.PI), 1.37375 * 2.5 / (2 * Math.PI)},
                        within(1e-12));
        assertThat(json.get(1).get("rel_err_zp_profile_pct")).isNull();
        assertThat(bins.json(Double.NaN).get(0)).doesNotContainKey("periods_per_window");
    }

    @Test
    void meanOverSeedsAveragesEachBin() {
        double[] truth = {1.0, 3.0};
        double[] edges = ZpBins.edges(RANGE, 2);
        ZpBins a = ZpBins.of(truth, edges, Map.of("encoder", new double[] {1.1, 3.0}));
        ZpBins b = ZpBins.of(truth, edges, Map.of("encoder", new double[] {1.3, 3.3}));
        ZpBins mean = ZpBins.meanOver(List.of(a, b));
        assertThat(mean.counts()).containsExactly(1, 1);
        assertThat(mean.relErrPct().get("encoder")).containsExactly(new double[] {20, 5}, within(1e-9));
    }
}
