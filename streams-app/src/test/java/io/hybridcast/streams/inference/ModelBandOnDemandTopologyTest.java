package io.hybridcast.streams.inference;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.streams.testing.ShippedBundleReplay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code forecast.model.band=until-calibrated}: once a sensor's own errors set its published band at every horizon
 * step, the model decodes its windows without the sigma-point band, and every published forecast (mean, band,
 * physics, latents, sensor-level physics) is the one made when the model computes the band every time, to float
 * rounding: the Vector API's results can differ in the last bits between its interpreted fallback and C2's
 * intrinsics, so two runs of the kernel agree to about 1e-7, not always bit for bit. The shipped pendulum bundle on
 * the served kernel, through the real topology.
 */
class ModelBandOnDemandTopologyTest {

    static final Path PENDULUM_MODEL = ShippedBundleReplay.BASE_MODELS.resolve("pendulum.bundle");

    @TempDir
    Path stateDir;

    @Test
    void calibratedSensorsSkipTheModelsBandAndPublishTheSameForecasts() throws Exception {
        // 75 s: the calibration's 30 actuals per step come after about 30 hops (15 s) plus the horizon
        List<SensorReading> readings = ShippedBundleReplay.simulate(FleetSimulator.builder().pendulums(3)
                .advectionDiffusion(0).doublePendulums(0).seed(4).maxRecords(3L * 1500), Duration.ofMinutes(2));
        ShippedBundleReplay.Output always = ShippedBundleReplay.replay(readings, PENDULUM_MODEL, SystemKind.PENDULUM,
                Files.createDirectories(stateDir.resolve("always")), Map.of("forecast.model.band", "always"));
        ShippedBundleReplay.Output lean = ShippedBundleReplay.replay(readings, PENDULUM_MODEL, SystemKind.PENDULUM,
                Files.createDirectories(stateDir.resolve("lean")), Map.of("forecast.model.band", "until-calibrated"));

        double withBand = lean.metrics().count("hybridcast.inference.windows", "band", "model");
        double without = lean.metrics().count("hybridcast.inference.windows", "band", "calibrated");
        assertThat(always.metrics().count("hybridcast.inference.windows", "band", "calibrated")).isZero();
        // most of the run is past the calibration's warm-up
        assertThat(without).isGreaterThan(withBand);

        List<Forecast> expected = always.forecasts();
        List<Forecast> actual = lean.forecasts();
        assertThat(actual).hasSameSizeAs(expected).hasSizeGreaterThan(300);
        for (int i = 0; i < expected.size(); i++) {
            Forecast e = expected.get(i);
            Forecast a = actual.get(i);
            String what = "forecast " + i + " of " + e.getSensorId();
            assertThat(a.getSensorId()).as(what).isEqualTo(e.getSensorId());
            assertThat(a.getFirstSequence()).as(what).isEqualTo(e.getFirstSequence());
            assertThat(a.getModelVersion()).as(what).isEqualTo(e.getModelVersion());
            assertClose(a.getMean(), e.getMean(), what + " mean");
            // the band would differ by the model's half-width (about 0.02 rad) if a query had wrongly gone without
            assertClose(a.getLower(), e.getLower(), what + " lower");
            assertClose(a.getUpper(), e.getUpper(), what + " upper");
            assertThat(a.getPhysics().get(0).getMean()).as(what).isCloseTo(e.getPhysics().get(0).getMean(), within(TOLERANCE));
            assertThat(a.getSensorPhysics().get(0).getMean()).as(what)
                    .isCloseTo(e.getSensorPhysics().get(0).getMean(), within(TOLERANCE));
        }
    }

    /** Absolute, on values of order 0.1-1 rad and rad/s: far above float rounding, far below any real difference. */
    private static final double TOLERANCE = 1e-5;

    private static void assertClose(List<List<Double>> actual, List<List<Double>> expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int h = 0; h < expected.size(); h++) {
            for (int c = 0; c < expected.get(h).size(); c++) {
                assertThat(actual.get(h).get(c)).as(what + " step " + h).isCloseTo(expected.get(h).get(c),
                        within(TOLERANCE));
            }
        }
    }
}
