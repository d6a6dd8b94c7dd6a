package io.hybridcast.streams.inference;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
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
 * A forecast that is made a few samples after its sensor became due (inference behind a batch, a commit or a
 * backlog) still teaches the sensor's calibration its first steps, from the actuals that arrived meanwhile: a sensor
 * whose forecasts are always late then publishes the same calibrated blend as one whose forecasts are on time,
 * instead of the raw model at the steps it was late for.
 */
class LateForecastCalibrationTopologyTest {

    static final int HOP = 5;

    @TempDir
    Path stateDir;

    /** The sensor's value: a slow swing that persistence forecasts well and the tiny model does not. */
    static double value(long seq) {
        return 0.7 * Math.sin(0.02 * seq) + 0.004 * Math.sin(2.7 * seq);
    }

    /**
     * Feeds 400 samples; each forecast is made {@code late} samples after its sensor became due (the wall clock
     * that fires the batch advances only then). Returns the mean square error of the published steps 0-2 against
     * the actuals, over the forecasts made after the first 200 samples.
     */
    double firstStepsError(int late) throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        Map<String, String> settings = new HashMap<>(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", Integer.toString(HOP),
                "pendulum.context.windows", "2", "pendulum.horizon", "10", "batch.max.latency.ms", "100",
                "forecast.phase", "aligned", "forecast.calibration.warmup", "5"));
        List<Forecast> forecasts = new ArrayList<>();
        Path dir = stateDir.resolve("late-" + late);
        try (TopologyFixture fixture = new TopologyFixture(StreamsSettings.fromMap(settings, "test"), registry, dir)) {
            for (long seq = 0; seq < 400; seq++) {
                fixture.pipe(reading("p", SystemKind.PENDULUM, seq, value(seq)));
                if (seq % HOP == (HOP - 1 + late) % HOP) {
                    fixture.advanceWallClock(Duration.ofMillis(100));
                    forecasts.addAll(fixture.forecasts());
                }
            }
        } finally {
            registry.close();
        }
        double sum = 0;
        int n = 0;
        for (Forecast f : forecasts) {
            if (f.getFirstSequence() < 200) {
                continue;
            }
            for (int h = 0; h < 3; h++) {
                double e = f.getMean().get(h).get(0) - value(f.getFirstSequence() + h);
                sum += e * e;
                n++;
            }
        }
        assertThat(n).as("forecasts scored").isGreaterThan(60);
        return sum / n;
    }

    @Test
    void lateForecastsLearnTheirFirstStepsAsOnTimeOnesDo() throws Exception {
        double onTime = firstStepsError(0);
        double late = firstStepsError(3);
        double persistence = 0;
        for (long seq = 200; seq < 400; seq++) {
            double e = value(seq + 1) - value(seq);
            persistence += e * e / 200;
        }
        // the blend learnt: both near persistence's error (without the late actuals the late run published the raw
        // model at steps 0-2, three orders of magnitude worse)
        assertThat(onTime).isLessThan(10 * persistence);
        assertThat(late).isLessThan(1.5 * onTime);
    }
}
