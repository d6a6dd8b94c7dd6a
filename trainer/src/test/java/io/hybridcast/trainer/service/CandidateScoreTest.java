package io.hybridcast.trainer.service;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.PriorRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The physics-consistency arithmetic of a candidate's score, with a model whose z_p estimates are chosen. */
class CandidateScoreTest {

    static final int WINDOW = 4;
    static final int HORIZON = 2;

    /** Reports the given z_p per window and a perfect forecast of zeros; the scoring arithmetic is under test. */
    record FixedModel(double[] zp) implements HybridModel {
        @Override
        public ModelSpec spec() {
            return ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae").setWindowLength(WINDOW)
                    .setChannels(1).setDt(0.05).optMaxHorizon(HORIZON).setPhysicsName("omega")
                    .setPhysicsRange(PriorRange.PENDULUM.min(), PriorRange.PENDULUM.max()).setNeuralLatents(2)
                    .setHidden(8).setEmbedding(4).optMeta(true).build();
        }

        @Override
        public Inference infer(double[][][] windows, double[][][][] contexts, int horizon) {
            int b = windows.length;
            double[][] mean = new double[b][];
            for (int i = 0; i < b; i++) {
                mean[i] = new double[]{zp[i]};
            }
            return new Inference(mean, new double[b][1], new double[b][2], new double[b][WINDOW][1],
                    new double[b][WINDOW][1], new double[b][horizon][1], new double[b][horizon][1]);
        }

        @Override
        public double[][] embedContext(double[][][] windows) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Inference inferWithPooledContext(double[][][] w, double[][] sums, int[] counts, int horizon) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    /** Two sensors, two held-out windows each (all zeros: the forecast is exact). */
    static TaskWindows heldOut() {
        return new TaskWindows(new double[4][WINDOW + HORIZON][1], new int[]{0, 0, 1, 1}, new long[]{0, 10, 0, 10},
                List.of("a", "b"));
    }

    static TaskWindows train() {
        return new TaskWindows(new double[0][][], new int[0], new long[0], List.of("a", "b"));
    }

    static CandidateScore score(double... zp) {
        return CandidateScore.of(new FixedModel(zp), heldOut(), train(), WINDOW, HORIZON, 2, Optional.empty());
    }

    @Test
    void consistentSensorsThatDifferFromEachOtherScoreLow() {
        CandidateScore s = score(1.0, 1.2, 3.0, 3.2);
        assertThat(s.zpSpread()).isCloseTo(0.1, within(1e-9));            // each sensor: std 0.1
        assertThat(s.zpRelativeSpread()).isCloseTo(0.1 / Math.sqrt(1.01), within(1e-9)); // fleet std sqrt(1.01)
        assertThat(s.zpAtBound()).isZero();
        assertThat(s.msePred()).isZero();
    }

    @Test
    void aCollapsedPhysicsHeadHasNoRelativeSpreadAndIsOnTheBound() {
        double low = PriorRange.PENDULUM.min();
        CandidateScore s = score(low, low, low, low);
        assertThat(s.zpSpread()).isZero();                                  // what the old rule rewarded
        assertThat(s.zpRelativeSpread()).isInfinite();
        assertThat(s.zpAtBound()).isEqualTo(1.0);
        assertThat(s.asMetrics()).containsEntry("zp_constant", 1.0).doesNotContainKey("zp_relative_spread");
    }

    @Test
    void estimatesThatVaryOnlyWithinSensorsScoreHigh() {
        CandidateScore s = score(1.0, 3.0, 1.0, 3.0);
        assertThat(s.zpRelativeSpread()).isCloseTo(1.0, within(1e-9));
        assertThat(s.zpAtBound()).isZero();
    }
}
