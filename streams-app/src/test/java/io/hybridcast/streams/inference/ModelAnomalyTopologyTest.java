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
 * Physics drift and unmodelled dynamics through the real topology. The real (tiny) model serves, and from
 * a chosen moment its z_p estimate or its neural share is shifted by a known amount: a controlled stand-in
 * for a pendulum whose omega changed or whose damping grew, so the detectors' arithmetic, hysteresis and
 * sentences can be checked exactly.
 */
class ModelAnomalyTopologyTest {

    /** The real model with a shift added to its outputs. */
    static final class ShiftedModel extends BatchedInferenceTopologyTest.CountingModel {
        volatile double zpShift;
        volatile double shareShift;
        /** When set, replaces the model's neural share (the real tiny model's share swings widely by itself). */
        volatile java.util.function.DoubleSupplier share;
        final List<Double> stds = new ArrayList<>();
        ShiftedModel(ServingModel real) {
            super(real);
        }
        @Override
        public List<Prediction> predict(List<Query> queries, int horizon) {
            List<Prediction> out = new ArrayList<>();
            for (Prediction p : super.predict(queries, horizon)) {
                stds.add(p.zpStd()[0]);
                out.add(new Prediction(p.mean(), p.lower(), p.upper(), new double[]{p.zpMean()[0] + zpShift},
                        p.zpStd(), p.zn(), share == null ? p.neuralShare() + shareShift : share.getAsDouble()));
            }
            return out;
        }
    }

    @TempDir
    Path stateDir;
    TopologyFixture fixture;
    ShiftedModel model;
    long seq;

    @BeforeEach
    void start() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        model = new ShiftedModel(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null),
                TinyModels.pendulumBundle()));
        registry.swap(model);
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.latency.ms", "100"), "test"), registry, stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
        fixture.models.close();
    }

    /** One hop of readings, then the latency trigger. */
    void hops(int n) {
        for (int h = 0; h < n; h++) {
            for (int i = 0; i < 5; i++, seq++) {
                fixture.pipe(reading("p", SystemKind.PENDULUM, seq, 0.7 * Math.sin(0.3 * seq)));
            }
            fixture.advanceWallClock(Duration.ofMillis(100));
        }
    }

    List<Anomaly> of(AnomalyKind kind) {
        return fixture.anomalies().stream().filter(a -> a.getKind() == kind).toList();
    }

    @Test
    void omegaShiftIsFlaggedOnceNamingOldAndNewValueThenTheContextCatchesUp() {
        hops(20);
        assertThat(of(AnomalyKind.PHYSICS_DRIFT)).isEmpty();
        List<Forecast> before = fixture.forecasts();
        double omegaBefore = before.get(before.size() - 1).getPhysics().get(0).getMean();
        double typicalStd = model.stds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        model.zpShift = Math.max(1.0, 30 * typicalStd);

        hops(30); // long enough for the context period to hold only shifted estimates
        List<Anomaly> drifts = of(AnomalyKind.PHYSICS_DRIFT);
        assertThat(drifts).singleElement().satisfies(a -> {
            assertThat(a.getDetail()).isEqualTo("omega");
            assertThat(a.getScore()).isGreaterThan(4.0);
            assertThat(a.getModelVersion()).isEqualTo(1L);
            assertThat(a.getExplanation()).startsWith("Physics drift: omega moved from ")
                    .contains(" rad/s (z = ").endsWith(" > 4).");
        });
        // the drift is reported once: after the context caught up, no new alert although omega stays shifted
        String sentence = drifts.get(0).getExplanation();
        double from = Double.parseDouble(sentence.replaceAll(".*moved from (\\S+) to.*", "$1"));
        double to = Double.parseDouble(sentence.replaceAll(".*to (\\S+) rad/s.*", "$1"));
        assertThat(to - from).isCloseTo(model.zpShift, org.assertj.core.data.Offset.offset(0.35 * model.zpShift));
        assertThat(from).isCloseTo(omegaBefore, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void growingNeuralShareIsFlaggedOnce() {
        java.util.Random random = new java.util.Random(3);
        model.share = () -> 0.2 + 0.04 * (random.nextDouble() - 0.5);
        hops(25); // past the context warm-up and the 10 forecasts that build the sensor's usual share
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).isEmpty();
        model.share = () -> 0.8 + 0.04 * (random.nextDouble() - 0.5);
        hops(10);
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).singleElement().satisfies(a -> {
            assertThat(a.getScore()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.05));
            assertThat(a.getThreshold()).isEqualTo(0.25); // the floor: 4 sigma of +-0.02 noise is below it
            String sentence = a.getExplanation();
            assertThat(sentence).startsWith("Unmodelled dynamics: the neural part now carries ")
                    .contains(" % of the model's signal energy, up from a usual ");
            double now = Double.parseDouble(sentence.replaceAll(".*now carries (\\S+) %.*", "$1"));
            double usual = Double.parseDouble(sentence.replaceAll(".*a usual (\\S+) ± .*", "$1"));
            assertThat(now).isCloseTo(80, org.assertj.core.data.Offset.offset(2.0));
            assertThat(usual).isCloseTo(20, org.assertj.core.data.Offset.offset(1.0));
        });
    }

    @Test
    void aShareThatOnlyFluctuatesIsNotFlagged() {
        // a sensor whose share swings +-0.4 from window to window (as a forced pendulum's does with the phase
        // of its forcing): often beyond the 0.25 floor, but within four standard deviations of its own spread
        java.util.Random random = new java.util.Random(5);
        model.share = () -> 0.4 + 0.8 * (random.nextDouble() - 0.5);
        hops(100);
        assertThat(fixture.forecasts()).hasSizeGreaterThan(80);
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).isEmpty();
    }

    @Test
    void aNewModelVersionWithAnotherSplitIsNotAChangeOfTheWorld() throws Exception {
        model.share = () -> 0.1;
        hops(25);
        ShiftedModel next = new ShiftedModel(new BundleModelLoader().load(TinyModels.pendulumVersion(2, null),
                TinyModels.pendulumBundle()));
        next.share = () -> 0.7; // version 2 gives the neural part far more of the same signal
        fixture.models.swap(next);
        hops(25);
        assertThat(fixture.forecasts()).anySatisfy(f -> assertThat(f.getModelVersion()).isEqualTo(2L));
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).isEmpty();
        next.share = () -> 0.99; // a real change under version 2 is still seen
        hops(10);
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).singleElement()
                .satisfies(a -> assertThat(a.getModelVersion()).isEqualTo(2L));
    }
}
