package io.hybridcast.trainer.basemodel;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.fusion.IntervalCalibration;
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
            BaseModelCalibration.FORGETTING, BaseModelCalibration.CAPACITY, BaseModelCalibration.MIN_SECONDS, 0);

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
        double[] mean = new double[n];
        double[] std = new double[n];
        double[] windows = new double[n];
        double[] truth = new double[n];
        int[] sensor = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = 2.0;
            mean[i] = 2.2;
            std[i] = 0.001;
            windows[i] = 1e6; // normal quantile
            sensor[i] = i % 3;
        }
        IntervalCalibrationFit.Points p = new IntervalCalibrationFit.Points(mean, std, windows, truth, sensor,
                new boolean[n]);
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
        double[] mean = new double[n];
        double[] std = new double[n];
        double[] windows = new double[n];
        double[] truth = new double[n];
        boolean[] revealed = new boolean[n];
        for (int i = 0; i < n; i++) {
            revealed[i] = i % 2 == 0;
            truth[i] = 2.0;
            mean[i] = revealed[i] ? 2.1 : 2.6;
            std[i] = 0.001;
            windows[i] = 1e6;
        }
        IntervalCalibrationFit.Points p = new IntervalCalibrationFit.Points(mean, std, windows, truth, new int[n],
                revealed);
        IntervalCalibration c = IntervalCalibrationFit.fit(p, PriorRange.PENDULUM, 0.02);
        assertThat(c.revealGate()).isEqualTo(0.02);
        assertThat(c.systematic()).isBetween(0.02, 0.03); // 0.1 / (1.96 · 2.1)
        assertThat(c.systematicUnrevealed()).isBetween(0.11, 0.13); // 0.6 / (1.96 · 2.6)
        assertThat(p.coverage(c)).isEqualTo(1.0);
        assertThat(p.tier(false).coverage(new IntervalCalibration(c.systematic(), PriorRange.PENDULUM))).isZero();
        assertThat(IntervalCalibrationFit.fit(p, PriorRange.PENDULUM, 0).systematic())
                .isEqualTo(c.systematicUnrevealed(), org.assertj.core.api.Assertions.within(1e-6));
    }
}
