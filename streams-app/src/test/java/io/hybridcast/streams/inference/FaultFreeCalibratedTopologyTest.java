package io.hybridcast.streams.inference;

import io.hybridcast.avro.Anomaly;
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
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fault-free pendulum on the real topology with the tiny model (whose own band is far too narrow for it):
 * over 3 minutes of simulated time (3600 samples at 20 Hz) the per-sensor calibration keeps forecast deviation
 * silent and the published band covers between 0.90 and 0.98 of the actuals, while the model's own band, judged
 * as published without calibration, alarms.
 */
class FaultFreeCalibratedTopologyTest {

    @TempDir
    Path stateDir;
    TopologyFixture fixture;
    /** The alarms of the last run (for the assertion messages). */
    final List<Anomaly> raised = new ArrayList<>();

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
            fixture.models.close();
        }
    }

    /** Returns {alarms, band coverage of the newest forecast's steps}. */
    double[] run(String calibrationWarmup) throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.latency.ms", "100",
                "forecast.calibration.warmup", calibrationWarmup), "test"), registry, stateDir);
        Random random = new Random(5);
        List<Anomaly> alarms = new ArrayList<>();
        Forecast newest = null;
        long scored = 0;
        long inside = 0;
        for (long seq = 0; seq < 3600; seq++) {
            double x = 0.6 * Math.sin(2.2 * 0.05 * seq) + 0.01 * random.nextGaussian();
            if (newest != null && seq > 1200) {
                int step = (int) (seq - newest.getFirstSequence());
                if (step >= 0 && step < newest.getMean().size()) {
                    scored++;
                    inside += x >= newest.getLower().get(step).get(0) && x <= newest.getUpper().get(step).get(0) ? 1 : 0;
                }
            }
            fixture.pipe(reading("p", SystemKind.PENDULUM, seq, x));
            if (seq % 5 == 4) {
                // wall clock in step with the readings (5 x 50 ms), or they run ahead of it into the future check
                fixture.advanceWallClock(Duration.ofMillis(250));
                List<Forecast> made = fixture.forecasts();
                if (!made.isEmpty()) {
                    newest = made.get(made.size() - 1);
                }
                alarms.addAll(fixture.anomalies());
            }
        }
        raised.addAll(alarms);
        return new double[] {alarms.size(), scored == 0 ? 0 : (double) inside / scored};
    }

    @Test
    void threeFaultFreeMinutesRaiseNothingAndTheBandCovers() throws Exception {
        double[] r = run("30");
        assertThat(raised).as("alarms").isEmpty();
        assertThat(r[1]).as("band coverage").isBetween(0.90, 0.98);
    }

    @Test
    void theModelsOwnBandAloneAlarms() throws Exception {
        double[] r = run("0");
        // the first forecasts, judged against a band never checked on this sensor: the live pattern at start
        assertThat(raised).as("alarms").isNotEmpty();
        assertThat(r[1]).as("the model's own band coverage").isLessThan(0.90);
    }
}
