package io.hybridcast.streams.inference;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.physics.DoublePendulumSystem;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongToDoubleFunction;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forecast deviation as a sequential test on the sensor's calibrated residuals, on the real topology with the
 * tiny pendulum model and the default calibration: minutes of fault-free signals whose forecast errors come in
 * long runs (a pendulum with a slowly wandering offset; a chaotic double pendulum's θ1, which the model cannot
 * follow) raise no deviation alarm, while a 20-fold noise burst is flagged within 2 s (40 samples at 20 Hz).
 * An ω step (2.2 to 1.4 or to 3.3) was not flagged within 200 samples with this model: its calibrated forecast
 * leans on persistence, whose error a frequency step hardly changes; a step is physics drift's to flag.
 */
class SequentialDeviationTopologyTest {

    static final double DT = 0.05;

    @TempDir
    Path stateDir;
    TopologyFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
            fixture.models.close();
        }
    }

    /** The forecast-deviation alarms of {@code samples} readings of {@code signal}. */
    List<Anomaly> run(LongToDoubleFunction signal, long samples) throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.latency.ms", "100",
                // the sensor-fault checks have their own tests; here only forecast deviation speaks
                "fault.spike.threshold", "1e6"), "test"), registry, stateDir);
        List<Anomaly> alarms = new ArrayList<>();
        for (long seq = 0; seq < samples; seq++) {
            fixture.pipe(reading("p", SystemKind.PENDULUM, seq, signal.applyAsDouble(seq)));
            if (seq % 5 == 4) {
                fixture.advanceWallClock(Duration.ofMillis(250));
                fixture.forecasts();
                fixture.anomalies().stream().filter(a -> a.getKind() == AnomalyKind.FORECAST_DEVIATION)
                        .forEach(alarms::add);
            }
        }
        return alarms;
    }

    /** A pendulum with noise and a slowly wandering offset (AR(1), 5 s memory): its forecast errors come in runs. */
    static LongToDoubleFunction wanderingPendulum(long seed, double omega) {
        Random random = new Random(seed);
        double[] offset = {0};
        return seq -> {
            offset[0] = 0.99 * offset[0] + 0.01 * random.nextGaussian();
            return 0.6 * Math.sin(omega * DT * seq) + offset[0] + 0.01 * random.nextGaussian();
        };
    }

    /** θ1 of an undamped double pendulum (the simulator's equations, g/l = 6) from a high start: chaotic. */
    static LongToDoubleFunction chaoticDoublePendulum(long seed) {
        OrdinaryDifferentialEquation ode = new DoublePendulumSystem().equations(6.0, new double[] {0, 0});
        Random random = new Random(seed);
        double[] y = {2.0, 2.4, 0, 0};
        int substeps = 20;
        double h = DT / substeps;
        return seq -> {
            for (int i = 0; i < substeps; i++) {
                double[] k1 = ode.computeDerivatives(0, y);
                double[] k2 = ode.computeDerivatives(0, add(y, k1, h / 2));
                double[] k3 = ode.computeDerivatives(0, add(y, k2, h / 2));
                double[] k4 = ode.computeDerivatives(0, add(y, k3, h));
                for (int j = 0; j < 4; j++) {
                    y[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
                }
            }
            return y[0] + 0.01 * random.nextGaussian();
        };
    }

    static double[] add(double[] y, double[] k, double h) {
        double[] r = new double[y.length];
        for (int j = 0; j < y.length; j++) {
            r[j] = y[j] + h * k[j];
        }
        return r;
    }

    @Test
    void fiveFaultFreeMinutesOfAWanderingPendulumRaiseNothing() throws Exception {
        assertThat(run(wanderingPendulum(3, 2.2), 6000)).as("deviation alarms").isEmpty();
    }

    @Test
    void fiveMinutesOfAChaoticDoublePendulumRaiseNothing() throws Exception {
        assertThat(run(chaoticDoublePendulum(4), 6000)).as("deviation alarms").isEmpty();
    }

    @Test
    void aNoiseBurstIsFlaggedWithinTwoSeconds() throws Exception {
        LongToDoubleFunction clean = wanderingPendulum(5, 2.2);
        Random burst = new Random(6);
        long at = 3000;
        List<Anomaly> alarms = run(seq -> clean.applyAsDouble(seq)
                + (seq >= at && seq < at + 100 ? 0.2 * burst.nextGaussian() : 0), 3200);
        assertThat(alarms).as("deviation alarms").isNotEmpty();
        assertThat(alarms.get(0).getToSequence()).as("flagged at").isBetween(at, at + 40);
    }
}
