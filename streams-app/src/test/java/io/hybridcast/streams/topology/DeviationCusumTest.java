package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sequential deviation test's false-alarm rate is set by its target run length, on residuals correlated as a
 * forecast's are, where the i.i.d. threshold ln(ARL) alarms far more often.
 */
class DeviationCusumTest {

    static final int BLOCK = 40; // two horizons of 20
    static final double ARL = 20_000;
    static final long HOLD = 100;

    /** Unit-variance AR(1) residuals with coefficient {@code phi}, as one channel's standardised errors. */
    static double[] residuals(long seed, int n, double phi) {
        Random random = new Random(seed);
        double[] z = new double[n];
        double innovation = Math.sqrt(1 - phi * phi);
        double previous = random.nextGaussian();
        for (int i = 0; i < n; i++) {
            previous = phi * previous + innovation * random.nextGaussian();
            z[i] = previous;
        }
        return z;
    }

    static int alarms(double[] z) {
        DeviationCusum cusum = new DeviationCusum();
        int alarms = 0;
        for (int i = 0; i < z.length; i++) {
            alarms += cusum.observe(DeviationCusum.increment(z[i] * z[i]), i, true, BLOCK, ARL, HOLD) ? 1 : 0;
        }
        return alarms;
    }

    @Test
    void correlatedResidualsAlarmAtMostAtTheTargetRate() {
        int n = 2_000_000;
        // 100 alarms at the design rate; the upper bound on the variance inflation errs on the quiet side
        for (double phi : new double[] {0.9, 0.97}) {
            int alarms = alarms(residuals(1, n, phi));
            assertThat(alarms).as("alarms in " + n + " samples at phi " + phi).isBetween(1, 110);
        }
    }

    @Test
    void theIidThresholdWouldAlarmFarMoreOnTheSameResiduals() {
        double[] z = residuals(1, 2_000_000, 0.9);
        // CUSUM with Wald's i.i.d. threshold h = ln(ARL), the same increments
        double h = Math.log(ARL);
        double s = 0;
        int alarms = 0;
        boolean active = false;
        for (double v : z) {
            s = Math.max(0, s + DeviationCusum.increment(v * v));
            if (active && s == 0) {
                active = false;
            } else if (!active && s > h) {
                active = true;
                alarms++;
            }
        }
        assertThat(alarms).isGreaterThan(5 * alarms(z));
    }

    @Test
    void aFourfoldResidualBurstIsFlaggedWithinTwoSecondsAt20Hz() {
        double[] z = residuals(2, 20_000, 0.9);
        for (int i = 10_000; i < 10_100; i++) {
            z[i] *= 4; // residual std x4 (variance x16)
        }
        DeviationCusum cusum = new DeviationCusum();
        long raised = -1;
        for (int i = 0; i < z.length && raised < 0; i++) {
            if (cusum.observe(DeviationCusum.increment(z[i] * z[i]), i, true, BLOCK, ARL, HOLD)) {
                raised = i;
            }
        }
        assertThat(raised).isBetween(10_000L, 10_040L);
    }

    @Test
    void theThresholdSolvesTheBrownianRunLength() {
        double mu = -0.3;
        double tau = 6.0;
        double h = DeviationCusum.threshold(mu, tau, ARL);
        double theta = 1 / tau;
        assertThat((Math.exp(theta * h) - 1 - theta * h) / (theta * -mu)).isCloseTo(ARL, org.assertj.core.data.Offset.offset(1.0));
        assertThat(DeviationCusum.threshold(0.1, tau, ARL)).isInfinite();
    }

    @Test
    void stateRoundTrips() throws Exception {
        DeviationCusum cusum = new DeviationCusum();
        double[] z = residuals(3, 1000, 0.5);
        for (int i = 0; i < z.length; i++) {
            cusum.observe(DeviationCusum.increment(z[i] * z[i] * 4), i, true, BLOCK, ARL, HOLD);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        cusum.write(new DataOutputStream(bytes));
        DeviationCusum back = DeviationCusum.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back.statistic()).isEqualTo(cusum.statistic());
        assertThat(back.threshold(BLOCK, ARL)).isEqualTo(cusum.threshold(BLOCK, ARL));
        assertThat(back.active()).isEqualTo(cusum.active());
    }
}
