package io.hybridcast.model.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The neural share of a window, on hand-computed cases. */
class InferenceTest {

    static Inference of(double[][] reconstruction, double[][] physicsOnly) {
        return new Inference(new double[1][1], new double[1][1], new double[1][1],
                new double[][][]{reconstruction}, new double[][][]{physicsOnly}, new double[1][1][1],
                new double[1][1][1]);
    }

    @Test
    void physicsAloneGivesZero() {
        assertThat(of(new double[][]{{1}, {-2}}, new double[][]{{1}, {-2}}).neuralShare(0)).isCloseTo(0, within(1e-12));
    }

    @Test
    void neuralPartAloneGivesOne() {
        assertThat(of(new double[][]{{1}, {-2}}, new double[][]{{0}, {0}}).neuralShare(0)).isCloseTo(1, within(1e-9));
    }

    @Test
    void energiesOfPhysicsAndNeuralPartAreWeighedAgainstEachOther() {
        // x_P = (3, 0), n = (1, 2): |n|^2 = 5, |x_P|^2 = 9 -> 5 / 14
        assertThat(of(new double[][]{{4, 2}}, new double[][]{{3, 0}}).neuralShare(0)).isCloseTo(5.0 / 14, within(1e-12));
    }

    @Test
    void cancellingPartsStayAFraction() {
        // x_P = 2, n = -2: the reconstruction is 0, yet the share is 1/2, not 4 / 0
        assertThat(of(new double[][]{{0}}, new double[][]{{2}}).neuralShare(0)).isCloseTo(0.5, within(1e-12));
    }
}
