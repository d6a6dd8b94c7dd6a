package io.hybridcast.streams.inference;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forecast deviation on a sensor whose band is too narrow for it (as a chaotic double pendulum's is): actuals
 * that keep leaving the band and coming back alert on every excursion without calibration, and only until the
 * sensor's usual error is measured with it; a departure far beyond that usual error is still flagged.
 */
class DeviationCalibrationTopologyTest {

    @TempDir
    Path stateDir;
    TopologyFixture fixture;
    final List<Anomaly> deviations = new ArrayList<>();
    Forecast newest;
    long seq;

    void start(int calibrationSamples) throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        Map<String, String> settings = new HashMap<>(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.latency.ms", "100",
                "anomaly.deviation.calibration.samples", Integer.toString(calibrationSamples)));
        settings.put("forecast.phase", "aligned"); // its hops are counted from sample 0 (seq % 5 == 4 below)
        settings.put("forecast.calibration.warmup", "0"); // the model's own band, as this test sets it
        settings.put("fault.spike.threshold", "1e6"); // this test is about the band, not about spikes
        fixture = new TopologyFixture(StreamsSettings.fromMap(settings, "test"), registry, stateDir);
        for (; seq < 60; seq++) {
            fixture.pipe(reading("p", SystemKind.PENDULUM, seq, 0.7 * Math.sin(0.3 * seq)));
            if (seq % 5 == 4) {
                hopDone();
            }
        }
        assertThat(newest).as("forecasting").isNotNull();
        // 15 samples on the forecast: whatever the start-up did, the deviation flag is clear now
        hop(0);
        hop(0);
        hop(0);
    }

    void hopDone() {
        fixture.advanceWallClock(Duration.ofMillis(100));
        List<Forecast> made = fixture.forecasts();
        if (!made.isEmpty()) {
            newest = made.get(made.size() - 1);
        }
        fixture.anomalies().stream().filter(a -> a.getKind() == AnomalyKind.FORECAST_DEVIATION).forEach(deviations::add);
    }

    /** One hop of actuals, each {@code halfBands} half band widths above the newest forecast's mean. */
    void hop(double halfBands) {
        for (int i = 0; i < 5; i++, seq++) {
            int step = (int) (seq - newest.getFirstSequence());
            double mean = newest.getMean().get(step).get(0);
            double half = (newest.getUpper().get(step).get(0) - newest.getLower().get(step).get(0)) / 2;
            fixture.pipe(reading("p", SystemKind.PENDULUM, seq, mean + halfBands * half));
        }
        hopDone();
    }

    /** Excursions out of the band and back: 15 samples at 2.5 half bands (z = 4.9), 15 on the forecast. */
    int excursions(int cycles) {
        int before = deviations.size();
        for (int c = 0; c < cycles; c++) {
            hop(2.5);
            hop(2.5);
            hop(2.5);
            hop(0);
            hop(0);
            hop(0);
        }
        return deviations.size() - before;
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
            fixture.models.close();
        }
    }

    @Test
    void withoutCalibrationEveryExcursionAlerts() throws Exception {
        start(0);
        assertThat(excursions(8)).isEqualTo(8);
    }

    @Test
    void calibratedTheUsualExcursionsStopAlertingButAFarDepartureStillDoes() throws Exception {
        start(75); // the 15 quiet samples of the start and two cycles of the sensor's usual behaviour
        int warmup = excursions(2);
        assertThat(warmup).isEqualTo(2); // uncalibrated while the calibration is measured
        assertThat(excursions(6)).isZero();
        hop(60); // z about 118, far beyond the usual RMS of about 3.5
        assertThat(deviations).last().satisfies(a -> {
            assertThat(a.getFromSequence()).isEqualTo(seq - 5);
            assertThat(a.getExplanation()).startsWith("Forecast deviation: theta left the forecast band")
                    .contains("(band widened ").contains("x to this sensor's usual forecast error).");
        });
    }
}
