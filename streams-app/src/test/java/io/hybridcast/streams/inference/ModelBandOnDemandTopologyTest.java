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

/**
 * {@code forecast.model.band=until-calibrated}: once a sensor's own errors set its published band at every horizon
 * step, the model decodes its windows without the sigma-point band, and every published forecast (mean, band,
 * physics, latents) is the same as when the model computes the band every time. The shipped pendulum bundle on the
 * served kernel, through the real topology.
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
            // Avro records compare field by field: mean, lower, upper, physics, latents, sensor-level physics
            assertThat(actual.get(i)).as("forecast %d of %s", i, expected.get(i).getSensorId())
                    .isEqualTo(expected.get(i));
        }
    }
}
