package io.hybridcast.trainer.basemodel;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.fusion.SensorLevelPosterior;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sensor-level interval calibration, fast version: the shipped pendulum base model, its calibration fitted
 * on 30 simulated sensors of 120 s and checked on 30 others (the shipped one used 100 + 100 of 150 s,
 * docs/trainer.md), both cut and fused as the streams app fuses live.
 */
class IntervalCalibrationFitTest {

    private static final IntervalCalibrationFit.Fusion LIVE = new IntervalCalibrationFit.Fusion(50, 10, 5, 0.05,
            BaseModelCalibration.FORGETTING, BaseModelCalibration.CAPACITY, BaseModelCalibration.MIN_SECONDS, 0, 0,
            PriorRange.PENDULUM);

    @Test
    void theCalibratedIntervalsCoverTheTruthOfHeldOutSimulatedSensors() throws Exception {
        byte[] bytes = BaseModels.shipped(SystemKind.PENDULUM).orElseThrow();
        try (NDManager manager = NDManager.newBaseManager()) {
            HybridVae model = ModelBundle.read(bytes).instantiate(manager);
            TwinPopulation.Spec spec = TwinPopulation.Spec.of(SystemKind.PENDULUM, 30, 120, 30);
            double bound = LiveWindows.readingBound(SystemKind.PENDULUM);
            List<TwinPopulation.Sensor> fitSensors = TwinPopulation.simulate(spec, 71);
            List<TwinPopulation.Sensor> checkSensors = TwinPopulation.simulate(spec, 72);
            IntervalCalibrationFit.Points fit = IntervalCalibrationFit.points(model, fitSensors, LIVE, bound);
            IntervalCalibrationFit.Points check = IntervalCalibrationFit.points(model, checkSensors, LIVE, bound);
            IntervalCalibration none = new IntervalCalibration(0, PriorRange.PENDULUM);
            IntervalCalibration calibration = IntervalCalibrationFit.fit(fit, PriorRange.PENDULUM);

            // points only after each sensor's first minute, one per disjoint window (2.5 s)
            assertThat(fit.size()).isGreaterThan(20 * 20);
            assertThat(fit.coverage(calibration)).isGreaterThanOrEqualTo(IntervalCalibrationFit.COVERAGE);
            assertThat(calibration.systematic()).isBetween(0.01, 0.5);
            // the random-effects intervals alone are far too narrow; calibrated, held-out sensors are covered
            assertThat(check.coverage(none)).isLessThan(0.7);
            assertThat(check.coverage(calibration)).isBetween(0.80, 0.99);
        }
    }

    @Test
    void theFitIsTheSmallestSystematicTermThatReachesTheCoverage() {
        // three sensors read 10 % high, a tight interval: b must make 0.1·mean fit inside t·sqrt(std² + (b·mean)²)
        int n = 60;
        SensorLevelPosterior.Parts[] parts = new SensorLevelPosterior.Parts[n];
        double[] truth = new double[n];
        int[] sensor = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = 2.0;
            parts[i] = point(2.2, false, 0, false);
            sensor[i] = i % 3;
        }
        IntervalCalibrationFit.Points p = new IntervalCalibrationFit.Points(parts, truth, sensor);
        IntervalCalibration c = IntervalCalibrationFit.fit(p, PriorRange.PENDULUM);
        double t = io.hybridcast.model.fusion.RandomEffects.quantile975(1e6 - 1);
        double needed = Math.sqrt(Math.pow(0.2 / t, 2) - 0.001 * 0.001) / 2.2;
        assertThat(c.systematic()).isBetween(needed * (1 - 1e-9), needed * 1.0001);
        assertThat(p.coverage(c)).isEqualTo(1.0);
        assertThat(p.coverage(new IntervalCalibration(needed * 0.99, PriorRange.PENDULUM))).isZero();
    }

    @Test
    void eachTierGetsTheSmallestTermThatCoversItsOwnPoints() {
        // revealed points read 5 % high, unrevealed ones 30 % high: one b for both would be too wide for the first
        int n = 80;
        SensorLevelPosterior.Parts[] parts = new SensorLevelPosterior.Parts[n];
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
            boolean revealed = i % 2 == 0;
            truth[i] = 2.0;
            parts[i] = point(revealed ? 2.1 : 2.6, revealed, 0, true);
        }
        IntervalCalibrationFit.Points p = new IntervalCalibrationFit.Points(parts, truth, new int[n]);
        IntervalCalibration c = IntervalCalibrationFit.fit(p, PriorRange.PENDULUM, 0.02);
        assertThat(c.revealGate()).isEqualTo(0.02);
        assertThat(c.systematic()).isBetween(0.02, 0.03); // 0.1 / (1.96 · 2.1)
        assertThat(c.systematicUnrevealed()).isBetween(0.11, 0.13); // 0.6 / (1.96 · 2.6)
        assertThat(p.coverage(c)).isEqualTo(1.0);
        assertThat(p.tier(false).coverage(new IntervalCalibration(c.systematic(), PriorRange.PENDULUM))).isZero();
        assertThat(IntervalCalibrationFit.fit(p, PriorRange.PENDULUM, 0).systematic())
                .isEqualTo(c.systematicUnrevealed(), org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void theFitCountsTheWidthThatTheRevealedEstimatesAgeingAlreadyGives() {
        // revealed sensors read 10 % high; the ageing since their newest revealing window already gives a relative
        // std of 5 %, wider than the 4.6 % that 10 % at 1.96 std needs: the streams app publishes that, so b is 0
        int n = 40;
        SensorLevelPosterior.Parts[] aged = new SensorLevelPosterior.Parts[n];
        SensorLevelPosterior.Parts[] fresh = new SensorLevelPosterior.Parts[n];
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
            truth[i] = 2.0;
            aged[i] = point(2.2, true, 0.05 * 0.05, true);
            fresh[i] = point(2.2, true, 0, true);
        }
        // two unrevealed points 30 % off, so that the unrevealed tier is fitted on its own and is wider
        SensorLevelPosterior.Parts[] withUnrevealed = java.util.Arrays.copyOf(aged, n + 2);
        double[] truths = java.util.Arrays.copyOf(truth, n + 2);
        withUnrevealed[n] = point(2.6, false, 0, true);
        withUnrevealed[n + 1] = point(2.6, false, 0, true);
        truths[n] = 2.0;
        truths[n + 1] = 2.0;
        IntervalCalibration agedFit = IntervalCalibrationFit.fit(
                new IntervalCalibrationFit.Points(withUnrevealed, truths, new int[n + 2]), PriorRange.PENDULUM, 0.02);
        IntervalCalibration freshFit = IntervalCalibrationFit.fit(
                new IntervalCalibrationFit.Points(fresh, truth, new int[n]), PriorRange.PENDULUM, 0.02);
        assertThat(agedFit.systematic()).isZero();
        assertThat(freshFit.systematic()).isBetween(0.046, 0.047); // 0.2 / (1.96 · 2.2)
    }

    /**
     * One sensor-level point fused from a tight window posterior (std 0.001, a normal quantile): revealed or not,
     * with the ageing's relative variance {@code aged}, under a gate or not.
     */
    private static SensorLevelPosterior.Parts point(double mean, boolean revealed, double aged, boolean gated) {
        RandomEffects.Estimate[] e = {new RandomEffects.Estimate(mean, 0.001, Double.NaN, Double.NaN, 1e6, 0)};
        return new SensorLevelPosterior.Parts(e, revealed ? e : null, new double[]{0, aged}, aged, gated);
    }
}
