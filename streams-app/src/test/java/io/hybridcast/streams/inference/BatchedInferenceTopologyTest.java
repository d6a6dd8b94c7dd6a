package io.hybridcast.streams.inference;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.StoreNames;
import io.hybridcast.streams.topology.ZpHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batched inference in rounds ({@code batch.mode=round}) through the real topology with a real (tiny, trained)
 * Meta-Hybrid-VAE: the size trigger, the complete-round trigger and the wall-clock latency trigger (punctuator fired by advancing the driver's
 * clock), one model call per batch, forecasts with bands and z_p, and forecast-deviation flags.
 */
class BatchedInferenceTopologyTest {

    /** The real model, counting its batched calls. */
    static class CountingModel implements ServingModel {
        final ServingModel real;
        final List<Integer> predictBatches = new ArrayList<>();
        CountingModel(ServingModel real) {
            this.real = real;
        }
        @Override public io.hybridcast.avro.SystemKind system() { return real.system(); }
        @Override public long version() { return real.version(); }
        @Override public String algorithm() { return real.algorithm(); }
        @Override public List<String> physicsNames() { return real.physicsNames(); }
        @Override public int windowLength() { return real.windowLength(); }
        @Override public int maxHorizon() { return real.maxHorizon(); }
        @Override public double[][] embed(double[][][] windows) { return real.embed(windows); }
        @Override public List<Prediction> predict(List<Query> queries, int horizon) {
            predictBatches.add(queries.size());
            return real.predict(queries, horizon);
        }
        @Override public void close() { real.close(); }
    }

    @TempDir
    Path stateDir;
    TopologyFixture fixture;
    CountingModel model;

    @BeforeEach
    void start() throws Exception {
        start(3);
    }

    void start(int batchMaxSize) throws Exception {
        ModelRegistry registry = new ModelRegistry();
        model = new CountingModel(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null),
                TinyModels.pendulumBundle()));
        registry.swap(model);
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.size", String.valueOf(batchMaxSize),
                "batch.max.latency.ms", "1000", "forecast.calibration.warmup", "0", "batch.mode", "round"), "test"),
                registry, stateDir.resolve("batch-" + batchMaxSize));
    }

    /** The same topology with a size trigger that does not interfere with the round and latency triggers. */
    void restartWithLargeBatches() throws Exception {
        stop();
        start(100);
    }

    @AfterEach
    void stop() {
        fixture.close();
        fixture.models.close();
    }

    static double signal(int sensor, long seq) {
        return 0.8 * Math.sin(0.25 * seq + sensor);
    }

    void pipeAll(int sensors, long from, long to) {
        for (long s = from; s < to; s++) {
            for (int i = 0; i < sensors; i++) {
                fixture.pipe(reading("s" + i, SystemKind.PENDULUM, s, signal(i, s)));
            }
        }
    }

    @Test
    void sizeTriggerThenLatencyTriggerOneModelCallPerBatch() {
        pipeAll(5, 0, 39);
        assertThat(fixture.forecasts()).isEmpty(); // K = 2 context windows are not complete yet
        assertThat(fixture.<SensorState>store(StoreNames.SENSOR_STATE).get("s0").status())
                .isEqualTo(SensorState.Status.WARMING_UP);
        pipeAll(5, 39, 40); // five sensors become due; the third fills a batch
        List<Forecast> first = fixture.forecasts();
        assertThat(first).extracting(Forecast::getSensorId).containsExactly("s0", "s1", "s2");
        assertThat(model.predictBatches).containsExactly(3);

        fixture.advanceWallClock(Duration.ofMillis(1000)); // latency trigger
        assertThat(fixture.forecasts()).extracting(Forecast::getSensorId).containsExactly("s3", "s4");
        assertThat(model.predictBatches).containsExactly(3, 2);
        fixture.advanceWallClock(Duration.ofMillis(1000));
        assertThat(model.predictBatches).hasSize(2); // nothing due, no call

        Forecast f = first.get(0);
        assertThat(f.getModelVersion()).isEqualTo(1);
        assertThat(f.getAlgorithm()).isEqualTo("meta-hybrid-vae");
        assertThat(f.getFirstSequence()).isEqualTo(40);
        assertThat(f.getStepMillis()).isEqualTo(50);
        // the query (20..39) is the newest context window, so its context is the K - 1 = 1 window before it
        assertThat(f.getContextSize()).isEqualTo(1);
        assertThat(f.getMean()).hasSize(10).allSatisfy(step -> assertThat(step).hasSize(1));
        for (int t = 0; t < 10; t++) {
            double mean = f.getMean().get(t).get(0);
            assertThat(Double.isFinite(mean)).isTrue();
            assertThat(f.getLower().get(t).get(0)).isLessThan(mean);
            assertThat(f.getUpper().get(t).get(0)).isGreaterThan(mean);
        }
        assertThat(f.getPhysics()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("omega");
            assertThat(p.getMean()).isBetween(0.3, 4.0);
            assertThat(p.getStd()).isPositive();
        });
        assertThat(f.getNeuralLatents()).hasSize(2);
        assertThat(fixture.<SensorState>store(StoreNames.SENSOR_STATE).get("s0").status())
                .isEqualTo(SensorState.Status.FORECASTING);

        // one forecast per sensor per hop
        pipeAll(5, 40, 45);
        fixture.advanceWallClock(Duration.ofMillis(1000));
        List<Forecast> next = fixture.forecasts();
        assertThat(next).hasSize(5).allSatisfy(x -> assertThat(x.getFirstSequence()).isEqualTo(45));
        assertThat(ZpHistory.of(fixture.store(StoreNames.ZP_HISTORY), "s0").points).hasSize(2);
    }

    @Test
    void aCompleteRoundIsInferredAtOnceAndASilentSensorLeavesItToTheLatencyTrigger() throws Exception {
        restartWithLargeBatches();
        pipeAll(2, 0, 40); // first hop: both sensors are new, so the round is not known yet
        assertThat(fixture.forecasts()).isEmpty();
        fixture.advanceWallClock(Duration.ofMillis(1000));
        assertThat(fixture.forecasts()).hasSize(2);
        assertThat(model.predictBatches).containsExactly(2);

        pipeAll(2, 40, 45); // second hop: once both are due again the round is complete, no waiting
        assertThat(fixture.forecasts()).extracting(Forecast::getSensorId).containsExactly("s0", "s1");
        assertThat(model.predictBatches).containsExactly(2, 2);

        for (long s = 45; s < 50; s++) { // third hop: s1 fell silent, s0 waits for the latency trigger
            fixture.pipe(reading("s0", SystemKind.PENDULUM, s, signal(0, s)));
        }
        assertThat(fixture.forecasts()).isEmpty();
        fixture.advanceWallClock(Duration.ofMillis(1000));
        assertThat(fixture.forecasts()).extracting(Forecast::getSensorId).containsExactly("s0");
        assertThat(model.predictBatches).containsExactly(2, 2, 1);
    }

    /** Ten sensors hopping together, 3000 ms apart on the wall clock: their round is known. */
    void tenSensorsHoppingTogether() throws Exception {
        restartWithLargeBatches();
        pipeAll(10, 0, 40); // all new: inferred after the latency trigger
        fixture.advanceWallClock(Duration.ofMillis(1000));
        pipeAll(10, 40, 45); // all due again: a complete round, inferred at once
        assertThat(model.predictBatches).containsExactly(10, 10);
        fixture.forecasts();
        fixture.advanceWallClock(Duration.ofMillis(3000));
        for (int i = 0; i < 8; i++) {
            pipeOne(i, 45, 50); // 8 of 10 due ...
        }
        fixture.advanceWallClock(Duration.ofMillis(900));
        pipeOne(8, 45, 50); // ... and a ninth 900 ms later: 90 % of the round, still filling
        fixture.advanceWallClock(Duration.ofMillis(100)); // the oldest has waited the latency
    }

    void pipeOne(int sensor, long from, long to) {
        for (long s = from; s < to; s++) {
            fixture.pipe(reading("s" + sensor, SystemKind.PENDULUM, s, signal(sensor, s)));
        }
    }

    @Test
    void aNearlyCompleteRoundThatIsStillFillingWaitsForTheRest() throws Exception {
        tenSensorsHoppingTogether();
        assertThat(model.predictBatches).containsExactly(10, 10);
        pipeOne(9, 45, 50); // the round completes: one call for all ten
        assertThat(model.predictBatches).containsExactly(10, 10, 10);
        assertThat(fixture.forecasts()).hasSize(10);
    }

    @Test
    void aNearlyCompleteRoundThatStoppedFillingRuns() throws Exception {
        tenSensorsHoppingTogether();
        assertThat(model.predictBatches).containsExactly(10, 10);
        fixture.advanceWallClock(Duration.ofMillis(250)); // nothing new for 350 ms: the tenth is not coming soon
        assertThat(model.predictBatches).containsExactly(10, 10, 9);
        assertThat(fixture.forecasts()).hasSize(9);
    }

    @Test
    void sensorsHoppingAtScatteredTimesKeepThePlainLatencyBound() throws Exception {
        restartWithLargeBatches();
        pipeOne(0, 0, 40); // s0 due at 0 ms ...
        fixture.advanceWallClock(Duration.ofMillis(5000));
        pipeOne(1, 0, 40); // ... s1 at 5000 ms, each then every 10 000 ms
        fixture.advanceWallClock(Duration.ofMillis(5000));
        pipeOne(0, 40, 45);
        fixture.advanceWallClock(Duration.ofMillis(5000));
        pipeOne(1, 40, 45);
        assertThat(model.predictBatches).containsExactly(1, 1, 1);
        // one of two due is no nearly complete round: s1 runs after the plain latency
        fixture.advanceWallClock(Duration.ofMillis(1000));
        assertThat(model.predictBatches).containsExactly(1, 1, 1, 1);
        assertThat(fixture.forecasts()).extracting(Forecast::getSensorId).containsExactly("s0", "s1", "s0", "s1");
    }

    @Test
    void actualsLeavingTheBandAreFlaggedOnceWithTheModelVersion() {
        pipeAll(1, 0, 40);
        fixture.advanceWallClock(Duration.ofMillis(1000));
        Forecast forecast = fixture.forecasts().get(0);
        double upper = forecast.getUpper().get(0).get(0);
        for (long s = 40; s < 48; s++) {
            fixture.pipe(reading("s0", SystemKind.PENDULUM, s, upper + 50)); // far above the band, in range
        }
        List<Anomaly> deviations = fixture.anomalies().stream()
                .filter(a -> a.getKind() == AnomalyKind.FORECAST_DEVIATION).toList();
        assertThat(deviations).singleElement().satisfies(a -> {
            assertThat(a.getFromSequence()).isEqualTo(40);
            assertThat(a.getToSequence()).isEqualTo(42); // raised on the third sample out of the band
            assertThat(a.getModelVersion()).isEqualTo(1L);
            assertThat(a.getScore()).isGreaterThan(a.getThreshold());
            assertThat(a.getExplanation()).startsWith("Forecast deviation: theta left the forecast band for 3 samples");
        });
    }
}
