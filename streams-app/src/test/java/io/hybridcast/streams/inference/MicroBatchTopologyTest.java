package io.hybridcast.streams.inference;

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
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Micro-batches (the default {@code batch.mode}) through the real topology with a real tiny model: a due sensor is
 * inferred without waiting for the other sensors of its round, at once with {@code batch.max.latency.ms} 0, and
 * together with the sensors that became due meanwhile once the oldest has waited the latency. Sensors sampling in
 * step are due together when their phase is aligned (most tests here, to reach a batch of two) and at their own
 * offsets within the hop when it is staggered.
 */
class MicroBatchTopologyTest {

    @TempDir
    Path stateDir;
    TopologyFixture fixture;
    BatchedInferenceTopologyTest.CountingModel model;

    void start(String mode, long latencyMs) throws Exception {
        start(mode, latencyMs, "aligned");
    }

    void start(String mode, long latencyMs, String phase) throws Exception {
        ModelRegistry registry = new ModelRegistry();
        model = new BatchedInferenceTopologyTest.CountingModel(new BundleModelLoader().load(
                TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        registry.swap(model);
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.size", "100", "batch.max.latency.ms", String.valueOf(latencyMs),
                "batch.mode", mode, "forecast.phase", phase), "test"), registry,
                stateDir.resolve(mode + latencyMs + phase));
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
            fixture.models.close();
        }
    }

    void pipe(int sensor, long from, long to) {
        for (long s = from; s < to; s++) {
            fixture.pipe(reading("s" + sensor, SystemKind.PENDULUM, s,
                    BatchedInferenceTopologyTest.signal(sensor, s)));
        }
    }

    /** Two sensors hopping together for two hops; the second hop's last sample of s1 is held back. */
    void twoHopsWithoutTheLastSampleOfS1() {
        for (long s = 0; s < 44; s++) {
            pipe(0, s, s + 1);
            pipe(1, s, s + 1);
            if (s == 39) {
                fixture.advanceWallClock(Duration.ofMillis(1000)); // the first hop has run in either mode
            }
        }
        assertThat(fixture.forecasts()).hasSize(2);
        pipe(0, 44, 45); // s0 is due for its second hop, s1 (its round partner) is not yet
    }

    @Test
    void aDueSensorIsForecastAtOnceWithoutWaitingForItsRound() throws Exception {
        start("micro", 0);
        twoHopsWithoutTheLastSampleOfS1();
        // no wall clock passed and s1 is not due: s0's forecast is out anyway, from its own window
        assertThat(fixture.forecasts()).singleElement().satisfies(f -> {
            assertThat(f.getSensorId()).isEqualTo("s0");
            assertThat(f.getFirstSequence()).isEqualTo(45);
        });
        pipe(1, 44, 45);
        assertThat(fixture.forecasts()).extracting(Forecast::getSensorId).containsExactly("s1");
        assertThat(model.predictBatches).containsOnly(1).hasSize(4);
    }

    @Test
    void inRoundsTheSameSensorWaitsForItsRoundPartner() throws Exception {
        // the behaviour micro-batches replace: a known round holds s0 until s1 is due (or the latency passed)
        start("round", 0);
        twoHopsWithoutTheLastSampleOfS1();
        assertThat(fixture.forecasts()).isEmpty();
        pipe(1, 44, 45);
        assertThat(fixture.forecasts()).extracting(Forecast::getSensorId).containsExactly("s0", "s1");
    }

    @Test
    void withALatencyTheSensorsDueMeanwhileRunTogetherOnceTheOldestHasWaitedIt() throws Exception {
        start("micro", 1000);
        for (long s = 0; s < 40; s++) {
            pipe(0, s, s + 1);
            pipe(1, s, s + 1);
        }
        assertThat(fixture.forecasts()).isEmpty(); // both due, neither has waited 1000 ms
        fixture.advanceWallClock(Duration.ofMillis(1000));
        assertThat(fixture.forecasts()).extracting(Forecast::getSensorId).containsExactly("s0", "s1");
        assertThat(model.predictBatches).containsExactly(2);
    }

    @Test
    void staggeredSensorsSamplingInStepAreDueAtTheirOwnSamples() throws Exception {
        // window 20, hop 5: "s0" and "s1" hash to offsets 3 and 4 (String.hashCode 3613 and 3614)
        start("micro", 0, "staggered");
        for (long s = 0; s < 60; s++) {
            pipe(0, s, s + 1);
            pipe(1, s, s + 1);
        }
        // K = 2 windows complete at 40 samples: each sensor's first forecast is at its first due sample after that,
        // then one every hop; each was inferred alone (a batch of one), never together with the other
        assertThat(fixture.forecasts()).extracting(f -> f.getSensorId() + "@" + f.getFirstSequence())
                .containsExactly("s0@43", "s1@44", "s0@48", "s1@49", "s0@53", "s1@54", "s0@58", "s1@59");
        assertThat(model.predictBatches).containsOnly(1);
    }
}
