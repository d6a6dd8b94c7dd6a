package io.hybridcast.simulator.physics;

import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.hipparchus.ode.nonstiff.interpolators.DormandPrince853StateInterpolator;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The written-out stage sums against the loop they replace (over Hipparchus' tableau, stage 0 always, other zero
 * weights skipped, ascending): bit for bit equal for random stage derivatives in every dimension the systems use.
 */
class Dp853StagesTest {

    private static final DormandPrince853Integrator HIPPARCHUS = new DormandPrince853Integrator(1e-12, 1.0, 1e-10, 1e-10);

    @Test
    void stageSumsEqualTheLoopOverHipparchusTableauBitForBit() {
        double[][] a = HIPPARCHUS.getA();
        double[] b = HIPPARCHUS.getB();
        SplittableRandom random = new SplittableRandom(3);
        for (int dim : new int[] {1, 2, 3, 4, 20}) {
            for (int trial = 0; trial < 200; trial++) {
                double[][] k = randomStages(random, dim);
                double[] start = randomVector(random, dim);
                double step = random.nextDouble(1e-6, 0.5);
                for (int row = 1; row <= 16; row++) {
                    double[] weights = row == 16 ? b : a[row - 1];
                    int stages = row == 16 ? 12 : row;
                    double[] expected = new double[dim];
                    for (int j = 0; j < dim; j++) {
                        double sum = weights[0] * k[0][j];
                        for (int l = 1; l < stages; l++) {
                            if (weights[l] != 0.0) {
                                sum += weights[l] * k[l][j];
                            }
                        }
                        expected[j] = start[j] + step * sum;
                    }
                    double[] out = new double[dim];
                    Dp853Stages.combine(row, k, start, step, out, dim);
                    assertBitsEqual(out, expected, "row " + row + ", dim " + dim);
                }
            }
        }
    }

    @Test
    void denseTermsEqualTheLoopOverHipparchusMatrixBitForBit() throws Exception {
        java.lang.reflect.Field field = DormandPrince853StateInterpolator.class.getDeclaredField("D");
        field.setAccessible(true);
        double[][] d = (double[][]) field.get(null);
        SplittableRandom random = new SplittableRandom(4);
        for (int dim : new int[] {1, 2, 4, 20}) {
            for (int trial = 0; trial < 200; trial++) {
                double[][] k = randomStages(random, dim);
                for (int term = 0; term < d.length; term++) {
                    double[] expected = new double[dim];
                    for (int j = 0; j < dim; j++) {
                        double sum = 0.0;
                        for (int i = 0; i < 16; i++) {
                            if (d[term][i] != 0.0) {
                                sum += d[term][i] * k[i][j];
                            }
                        }
                        expected[j] = sum;
                    }
                    double[] v = new double[dim];
                    Dp853Stages.denseTerm(term, k, v, dim);
                    assertBitsEqual(v, expected, "term " + term + ", dim " + dim);
                }
            }
        }
    }

    @Test
    void theCheckRefusesATableauWithOtherCoefficients() throws Exception {
        java.lang.reflect.Field field = DormandPrince853StateInterpolator.class.getDeclaredField("D");
        field.setAccessible(true);
        double[][] d = (double[][]) field.get(null);
        double[][] a = HIPPARCHUS.getA();
        Dp853Stages.check(a, HIPPARCHUS.getB(), d); // Hipparchus' own: accepted
        a[6][3] *= 1.0 + 1e-15;
        assertThatThrownBy(() -> Dp853Stages.check(a, HIPPARCHUS.getB(), d))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stage row 7");
    }

    private static void assertBitsEqual(double[] actual, double[] expected, String what) {
        for (int j = 0; j < expected.length; j++) {
            assertThat(Double.doubleToRawLongBits(actual[j])).as("%s, component %d: %s vs %s", what, j, actual[j],
                    expected[j]).isEqualTo(Double.doubleToRawLongBits(expected[j]));
        }
    }

    private static double[][] randomStages(SplittableRandom random, int dim) {
        double[][] k = new double[16][];
        for (int i = 0; i < 16; i++) {
            k[i] = randomVector(random, dim);
        }
        return k;
    }

    private static double[] randomVector(SplittableRandom random, int dim) {
        double[] v = new double[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = random.nextInt(10) == 0 ? -0.0 : random.nextDouble(-50, 50);
        }
        return v;
    }
}
