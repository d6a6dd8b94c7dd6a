package io.hybridcast.trainer.experiment;

import io.hybridcast.model.metrics.Mcc;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The MCC of z_n with the drive's reading: a model whose z_n holds only γ and whose drive holds f and A scores near 1
 * there, and its pairs say which latent carries each factor, while z_n's own MCC stays low.
 */
class UnmodelledLatentsTest {

    @Test
    void theDrivesReadingCountsBesideZnAndThePairsNameIt() {
        Random rng = new Random(3);
        int n = 400;
        double[][] truth = new double[n][3]; // γ, A, f
        double[][] zn = new double[n][3];
        double[][] drive = new double[n][2]; // f, A
        for (int i = 0; i < n; i++) {
            truth[i] = new double[] {rng.nextDouble() * 0.8, rng.nextDouble() * 40, 3.14 + rng.nextDouble() * 3.14};
            zn[i] = new double[] {rng.nextGaussian(), -2 * truth[i][0] + 0.01 * rng.nextGaussian(), rng.nextGaussian()};
            drive[i] = new double[] {truth[i][2] + 0.01 * rng.nextGaussian(), 0.5 * truth[i][1] + 0.1 * rng.nextGaussian()};
        }
        assertThat(Mcc.compute(zn, truth, Mcc.Method.PEARSON).mcc()).isLessThan(0.5);
        Mcc.Result r = UnmodelledLatents.mcc(zn, drive, truth);
        assertThat(r.mcc()).isCloseTo(1.0, within(0.01));
        List<Map<String, Object>> pairs = UnmodelledLatents.pairs(r, 3, List.of("gamma", "A", "f"));
        assertThat(pairs).extracting(p -> p.get("factor") + " <- " + p.get("latent"))
                .containsExactlyInAnyOrder("gamma <- z_n[1]", "A <- drive A", "f <- drive f");
        assertThat(UnmodelledLatents.mcc(zn, null, truth)).isNull();
        assertThat(UnmodelledLatents.latents(zn, drive)[7]).containsExactly(zn[7][0], zn[7][1], zn[7][2], drive[7][0],
                drive[7][1]);
    }
}
