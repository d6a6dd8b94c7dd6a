package io.hybridcast.model.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input to the MCC is refused with a message naming what is wrong, instead of yielding NaN or garbage. */
class MccInputTest {

    @Test
    void aNonFiniteLatentIsNamed() {
        double[][] truth = MetricsTest.randomFactors(10, 2, 1);
        double[][] learned = MetricsTest.randomFactors(10, 2, 2);
        learned[7][1] = Double.NaN;
        assertThatThrownBy(() -> Mcc.compute(learned, truth, Mcc.Method.PEARSON))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learned[7][1] is NaN");
    }

    @Test
    void raggedRowsAndZeroWidthAreRefused() {
        double[][] truth = MetricsTest.randomFactors(4, 2, 1);
        double[][] ragged = {{1, 2}, {3, 4}, {5}, {6, 7}};
        assertThatThrownBy(() -> Mcc.compute(ragged, truth, Mcc.Method.SPEARMAN))
                .hasMessageContaining("learned row 2 has 1 factors, row 0 has 2");
        double[][] empty = new double[4][0];
        assertThatThrownBy(() -> Mcc.compute(empty, truth, Mcc.Method.PEARSON))
                .hasMessageContaining("at least one learned factor");
    }

    @Test
    void twoSeedsThatLearnedTheSameLatentsUpToPermutationAndScaleAgree() {
        // MCC between two training runs (SCIENCE.md section 4) is the same computation with seed B's latents
        // in place of the truth
        double[][] seedA = MetricsTest.randomFactors(400, 3, 9);
        double[][] seedB = new double[400][3];
        for (int i = 0; i < 400; i++) {
            seedB[i][0] = seedA[i][1] * -4;
            seedB[i][1] = seedA[i][2] + 1;
            seedB[i][2] = seedA[i][0] * 0.5;
        }
        assertThat(Mcc.compute(seedA, seedB, Mcc.Method.PEARSON).mcc()).isCloseTo(1.0,
                org.assertj.core.api.Assertions.within(1e-12));
    }
}
