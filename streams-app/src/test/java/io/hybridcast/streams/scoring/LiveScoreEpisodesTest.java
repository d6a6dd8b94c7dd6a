package io.hybridcast.streams.scoring;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.topology.AnomalyHistory;
import io.hybridcast.streams.topology.TruthLog;
import org.junit.jupiter.api.Test;

import static io.hybridcast.streams.scoring.LiveScoreTopologyTest.truth;
import static org.assertj.core.api.Assertions.assertThat;

/** Faults are scored as whole episodes, and a fault for good is detected near its onset or not at all. */
class LiveScoreEpisodesTest {

    static final long SLACK = 50;
    static final long ONSET = 300;

    static TruthLog log(Object... fromToFault) {
        TruthLog log = new TruthLog();
        for (int i = 0; i < fromToFault.length; i += 3) {
            log.add(truth((Long) fromToFault[i], (Long) fromToFault[i + 1], (FaultKind) fromToFault[i + 2]), 100);
        }
        return log;
    }

    static AnomalyHistory flags(long... fromSequences) {
        AnomalyHistory h = new AnomalyHistory();
        for (long from : fromSequences) {
            h.anomalies.add(Anomalies.of("p1", SystemKind.PENDULUM, AnomalyKind.PHYSICS_DRIFT, "omega", 5, 4, from,
                    from + 9, 0, 1L, "test"));
        }
        return h;
    }

    @Test
    void aDriftRepublishedEveryHundredSamplesIsOneFault() {
        TruthLog truth = log(0L, null, null,
                600L, null, FaultKind.PARAMETER_DRIFT, 700L, null, FaultKind.PARAMETER_DRIFT,
                800L, null, FaultKind.PARAMETER_DRIFT, 900L, null, FaultKind.PARAMETER_DRIFT,
                1000L, null, null);
        assertThat(LiveScore.episodes(truth, SLACK, ONSET)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(FaultKind.PARAMETER_DRIFT);
            assertThat(e.fromSequence()).isEqualTo(600);
            assertThat(e.matchTo()).isEqualTo(999 + SLACK); // ended where the healthy record took over
        });
        LiveScore.Totals t = LiveScore.score(truth, null, flags(950), SLACK, ONSET, 50);
        assertThat(t.faults).isEqualTo(1);
        assertThat(t.faultsDetected).isEqualTo(1);
        // a drift's delay is kept apart from the steps' and sensor faults' mean
        assertThat(t.driftDetectionDelayMs).isEqualTo((959 - 600) * 50.0);
        assertThat(t.quality().get("drift_detection_delay_ms")).isEqualTo((959 - 600) * 50.0);
        assertThat(t.delaysScored).isZero();
        assertThat(t.quality().get("detection_delay_ms")).isNull();
    }

    @Test
    void theMeanDelayCoversStepsAndSensorFaultsNotDrifts() {
        TruthLog truth = log(0L, null, null, 300L, 300L, FaultKind.SPIKE,
                600L, null, FaultKind.PARAMETER_DRIFT, 1000L, null, FaultKind.PARAMETER_DRIFT,
                2600L, null, FaultKind.PARAMETER_STEP);
        // spike flagged by a flag ending at 309, drift at 1509, step at 2619
        LiveScore.Totals t = LiveScore.score(truth, null, flags(300, 1500, 2610), SLACK, ONSET, 50);
        assertThat(t.faultsDetected).isEqualTo(3);
        assertThat(t.quality().get("detection_delay_ms")).isEqualTo((9 + 19) * 50.0 / 2);
        assertThat(t.quality().get("drift_detection_delay_ms")).isEqualTo((1509 - 600) * 50.0);
    }

    @Test
    void aStepForGoodIsDetectedNearItsOnsetOnly() {
        TruthLog truth = log(0L, null, null, 1200L, null, FaultKind.PARAMETER_STEP);
        // a flag at 1300 detects it; one at 5000 is long after the step became the new normal
        LiveScore.Totals t = LiveScore.score(truth, null, flags(1300, 5000), SLACK, ONSET, 50);
        assertThat(t.faults).isEqualTo(1);
        assertThat(t.faultsDetected).isEqualTo(1);
        assertThat(t.anomalies).isEqualTo(2);
        assertThat(t.anomaliesMatched).isEqualTo(1);
        assertThat(LiveScore.score(truth, null, flags(5000), SLACK, ONSET, 50).faultsDetected).isZero();
    }

    @Test
    void faultsOfDifferentKindsOrWithAGapStayApart() {
        TruthLog truth = log(0L, null, null, 100L, 100L, FaultKind.SPIKE, 300L, 300L, FaultKind.SPIKE,
                400L, 420L, FaultKind.STUCK);
        assertThat(LiveScore.episodes(truth, SLACK, ONSET)).extracting(LiveScore.Episode::kind)
                .containsExactly(FaultKind.SPIKE, FaultKind.SPIKE, FaultKind.STUCK);
        assertThat(LiveScore.episodes(truth, SLACK, ONSET)).extracting(LiveScore.Episode::matchTo)
                .containsExactly(100 + SLACK, 300 + SLACK, 420 + SLACK);
    }
}
