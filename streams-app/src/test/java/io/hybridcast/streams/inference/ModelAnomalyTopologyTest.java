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
 * a chosen moment its z_p estimate or its neural latents are shifted by a known amount: a controlled stand-in
 * for a pendulum whose omega changed or whose unmodelled drive changed, so the detectors' arithmetic, hysteresis and
 * sentences can be checked exactly.
 */
class ModelAnomalyTopologyTest {

    /** The real model with a shift added to its outputs. */
    static final class ShiftedModel extends BatchedInferenceTopologyTest.CountingModel {
        volatile double zpShift;
        /** When set, every window's z_p posterior is this mean with a std of 0.008 (an encoder pinned somewhere). */
        volatile Double pinned;
        /** When set, replaces the model's neural latents (the real tiny model's move with the window's phase). */
        volatile java.util.function.Supplier<double[]> latents;
        final List<Double> stds = new ArrayList<>();
        ShiftedModel(ServingModel real) {
            super(real);
        }
        @Override
        public List<Prediction> predict(List<Query> queries, int horizon) {
            List<Prediction> out = new ArrayList<>();
            for (Prediction p : super.predict(queries, horizon)) {
                stds.add(p.zpStd()[0]);
                out.add(new Prediction(p.mean(), p.lower(), p.upper(),
                        new double[]{pinned != null ? pinned : p.zpMean()[0] + zpShift},
                        pinned != null ? new double[]{0.008} : p.zpStd(), latents == null ? p.zn() : latents.get(),
                        p.neuralShare()));
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
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.latency.ms", "100",
                // the short runs here judge from the minimum long run; the warm-up has its own test
                "anomaly.unmodelled.warmup.windows", "4", "forecast.calibration.warmup", "0"), "test"), registry, stateDir);
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
                    .contains(" rad/s (long-run 95 % ")
                    // the newest window alone (threshold 4 + 1) or the newest three fused (threshold 4) raised it
                    .matches(".*(, newest window \\S+ ± \\S+; z = \\S+ > 5|, newest 3 windows .*; z = \\S+ > 4)\\)\\.");
        });
        // the drift is reported once: while the long-run posterior catches up, no new alert although omega stays
        // shifted; old value = long-run posterior before the shift, new value = the newest windows' posterior
        String sentence = drifts.get(0).getExplanation();
        double from = Double.parseDouble(sentence.replaceAll(".*moved from (\\S+) to.*", "$1"));
        double to = Double.parseDouble(sentence.replaceAll(".*to (\\S+) rad/s.*", "$1"));
        assertThat(to - from).isCloseTo(model.zpShift, org.assertj.core.data.Offset.offset(0.35 * model.zpShift));
        assertThat(from).isCloseTo(omegaBefore, org.assertj.core.data.Offset.offset(0.5));
    }

    /** Two latents around (0.1, -0.2) with window-to-window noise of +-{@code noise}, the second shifted. */
    static java.util.function.Supplier<double[]> latents(java.util.Random random, double noise, double shift) {
        return () -> new double[]{0.1 + noise * (random.nextDouble() - 0.5),
                -0.2 + shift + noise * (random.nextDouble() - 0.5)};
    }

    @Test
    void anEstimateThatMovesWhenTheDriveIsSwitchedOffIsNoDrift() {
        // a hard-driven pendulum's forced windows read omega biased; the free swing after the drive is switched off
        // reads it right: the same shift as above, starting at the announced event, corrects the estimate
        hops(20);
        double typicalStd = model.stds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        model.zpShift = Math.max(1.0, 30 * typicalStd);
        fixture.pipe(io.hybridcast.avro.SensorReading.newBuilder(
                        reading("p", SystemKind.PENDULUM, seq, 0.7 * Math.sin(0.3 * seq)))
                .setOperatingEvent("DRIVE_OFF").build());
        seq++;
        hops(30);
        assertThat(fixture.forecasts()).hasSizeGreaterThan(40);
        assertThat(of(AnomalyKind.PHYSICS_DRIFT)).isEmpty();
        // a change after the windows of the new regime is still one
        model.zpShift += Math.max(1.0, 30 * typicalStd);
        hops(30);
        assertThat(of(AnomalyKind.PHYSICS_DRIFT)).singleElement()
                .satisfies(a -> assertThat(a.getDetail()).isEqualTo("omega"));
    }

    @Test
    void aShiftedLatentIsFlaggedOnceNamingIt() {
        java.util.Random random = new java.util.Random(3);
        model.latents = latents(random, 0.1, 0);
        hops(40); // past 3 recent + 4 long-run disjoint windows (one per 4 hops)
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).isEmpty();
        model.latents = latents(random, 0.1, 1.0); // the unmodelled drive changed: the encoder moves z_n[1]
        hops(16);
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).singleElement().satisfies(a -> {
            assertThat(a.getDetail()).isEqualTo("z_n[1]");
            assertThat(a.getThreshold()).isEqualTo(4.0);
            assertThat(a.getScore()).isGreaterThan(4.0);
            String sentence = a.getExplanation();
            assertThat(sentence).startsWith("Unmodelled dynamics: neural latent z_n[1] moved from ");
            double from = Double.parseDouble(sentence.replaceAll(".*moved from (\\S+) ± .*", "$1"));
            double to = Double.parseDouble(sentence.replaceAll(".*\\(long run\\) to (\\S+) \\(newest.*", "$1"));
            assertThat(from).isCloseTo(-0.2, org.assertj.core.data.Offset.offset(0.05));
            // flagged as soon as the recent mean moved past the 0.5 floor: two or three of its windows shifted
            assertThat(to).isBetween(from + 0.5, 0.85);
        });
        assertThat(of(AnomalyKind.PHYSICS_DRIFT)).isEmpty();
    }

    @Test
    void aLatentThatOnlyFluctuatesIsNotFlagged() {
        // latents that swing +-0.8 from window to window (as a forced pendulum's may with the phase of its forcing):
        // often beyond the 0.5 floor, but within four standard errors of their own scatter
        java.util.Random random = new java.util.Random(5);
        model.latents = latents(random, 1.6, 0);
        hops(100);
        assertThat(fixture.forecasts()).hasSizeGreaterThan(80);
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).isEmpty();
    }

    @Test
    void aNewModelVersionWithOtherLatentsIsNotAChangeOfTheWorld() throws Exception {
        java.util.Random random = new java.util.Random(7);
        model.latents = latents(random, 0.1, 0);
        hops(40);
        ShiftedModel next = new ShiftedModel(new BundleModelLoader().load(TinyModels.pendulumVersion(2, null),
                TinyModels.pendulumBundle()));
        next.latents = latents(random, 0.1, 2.0); // version 2 places the same windows elsewhere in latent space
        fixture.models.swap(next);
        hops(40);
        assertThat(fixture.forecasts()).anySatisfy(f -> assertThat(f.getModelVersion()).isEqualTo(2L));
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).isEmpty();
        next.latents = latents(random, 0.1, 3.0); // a real change under version 2 is still seen
        hops(16);
        assertThat(of(AnomalyKind.UNMODELLED_DYNAMICS)).singleElement()
                .satisfies(a -> assertThat(a.getModelVersion()).isEqualTo(2L));
    }

    @Test
    void windowsPinnedAtThePriorBoundAreNoEvidenceOfDrift() {
        hops(20);
        // the encoder saturates at the prior range's lower bound (0.392) with a tiny std, as a live pendulum's did
        model.pinned = 0.392;
        hops(30);
        assertThat(of(AnomalyKind.PHYSICS_DRIFT)).isEmpty();
        // control: pinned as firmly away from the long run but inside the range, it is a drift
        model.pinned = 1.0;
        hops(30);
        assertThat(of(AnomalyKind.PHYSICS_DRIFT)).singleElement()
                .satisfies(a -> assertThat(a.getDetail()).isEqualTo("omega"));
    }
}
