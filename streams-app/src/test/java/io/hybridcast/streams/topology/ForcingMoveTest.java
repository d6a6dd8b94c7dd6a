package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.ForcedSwing;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ForcingMove} on windows of a forced swing in white noise at the pendulum's rate (20 Hz, 50 samples, noise
 * 0.0095 rad as the random run's pendulum-40 showed): the move that pendulum drew (4.47 → 3.5 Hz) is found in its
 * first whole window after the move, and steps of the forced amplitude (an ω step of ±12 % moves it by about 25 %),
 * noise alone, a forcing too weak to show in one window and windows with a noise burst, a spike or a stuck half
 * (sensor faults: the detector also runs under their flags) never read as a move.
 */
class ForcingMoveTest {

    static final double DT = 0.05;
    static final int LENGTH = 50;
    static final double NOISE = 0.0095;

    @Test
    void theRandomRunsDriveMoveIsFoundInItsFirstWholeWindow() {
        Random rng = new Random(40);
        Deque<SensorPhysics.WindowEstimate> fused = history(rng, 4.47, 0.0115, 10);
        long start = 10L * LENGTH;
        // the move lands 20 samples into this window: part old, part new
        double[][] straddling = new double[LENGTH][1];
        for (int t = 0; t < LENGTH; t++) {
            double time = (start + t) * DT;
            straddling[t][0] = (t < 20 ? 0.0115 * Math.cos(2 * Math.PI * 4.47 * time)
                    : 0.019 * Math.cos(2 * Math.PI * 3.5 * time)) + NOISE * rng.nextGaussian();
        }
        ForcingMove.Move early = ForcingMove.detect(straddling, start + LENGTH - 1, DT, 4.47, fused);
        fused.add(estimate(start + LENGTH - 1, straddling, 4.47));
        double[][] after = window(rng, start + LENGTH, 3.5, 0.019);
        ForcingMove.Move move = early != null ? early
                : ForcingMove.detect(after, start + 2 * LENGTH - 1, DT, 4.47, fused);
        assertThat(move).isNotNull();
        assertThat(move.fromHz()).isEqualTo(4.47);
        assertThat(move.toHz()).isCloseTo(3.5, org.assertj.core.data.Offset.offset(0.05));
        assertThat(move.newSigmas()).isGreaterThanOrEqualTo(ForcingMove.NEW_SIGMAS);
    }

    @Test
    void amplitudeStepsNoiseSensorFaultsAndAWeakForcingAreNoMove() {
        Random rng = new Random(7);
        int moves = 0;
        int looks = 0;
        for (double amplitude : new double[] {0.0115, 0.04, 0.004}) {
            Deque<SensorPhysics.WindowEstimate> fused = history(rng, 4.47, amplitude, 10);
            long sequence = 10L * LENGTH;
            for (int k = 0; k < 3000; k++) {
                // every 100 windows the forced amplitude steps by ±25 %, as an ω step of ±12 % moves it
                double a = amplitude * ((k / 100) % 2 == 0 ? 1.0 : (k / 100) % 4 == 1 ? 1.25 : 0.75);
                double[][] w = window(rng, sequence, 4.47, a);
                if (k % 50 == 7) { // a noise burst of 10-30 times the noise over 20 samples, as the random faults draw
                    double times = 10 + 20 * rng.nextDouble();
                    for (int t = 15; t < 35; t++) {
                        w[t][0] += times * NOISE * rng.nextGaussian();
                    }
                } else if (k % 70 == 11) { // a spike of 0.3-0.8 rad
                    w[rng.nextInt(LENGTH)][0] += (rng.nextBoolean() ? 1 : -1) * (0.3 + 0.5 * rng.nextDouble());
                } else if (k % 90 == 13) { // stuck for the second half
                    for (int t = 25; t < LENGTH; t++) {
                        w[t][0] = w[24][0];
                    }
                }
                looks++;
                if (ForcingMove.detect(w, sequence + LENGTH - 1, DT, 4.47, fused) != null) {
                    moves++;
                }
                fused.add(estimate(sequence + LENGTH - 1, w, 4.47));
                if (fused.size() > 10) {
                    fused.removeFirst();
                }
                sequence += LENGTH;
            }
        }
        assertThat(looks).isEqualTo(9000);
        assertThat(moves).isZero();
    }

    /** {@code n} fused windows of a forcing at {@code hz} of amplitude {@code amplitude}, from sequence 0. */
    static Deque<SensorPhysics.WindowEstimate> history(Random rng, double hz, double amplitude, int n) {
        Deque<SensorPhysics.WindowEstimate> fused = new ArrayDeque<>();
        for (int k = 0; k < n; k++) {
            double[][] w = window(rng, (long) k * LENGTH, hz, amplitude);
            fused.add(estimate((long) k * LENGTH + LENGTH - 1, w, hz));
        }
        return fused;
    }

    static double[][] window(Random rng, long start, double hz, double amplitude) {
        double[][] w = new double[LENGTH][1];
        double phase = 0.7;
        for (int t = 0; t < LENGTH; t++) {
            double time = (start + t) * DT;
            // a slow free swing under the forcing, as the cubic per window takes it out
            w[t][0] = 0.05 * Math.sin(1.3 * time) + amplitude * Math.cos(2 * Math.PI * hz * time + phase)
                    + NOISE * rng.nextGaussian();
        }
        return w;
    }

    static SensorPhysics.WindowEstimate estimate(long sequence, double[][] w, double hz) {
        double[] a = ForcedSwing.amplitude(w, 0, DT, hz);
        return new SensorPhysics.WindowEstimate(sequence, 1, new double[] {2}, new double[] {0.1}, new double[3],
                0.05, a[0], a[1], false);
    }
}
