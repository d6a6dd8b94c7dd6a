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
        assertThat(FaultEpisodes.of(truth, SLACK, ONSET)).singleElement().satisfies(e -> {
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
        assertThat(FaultEpisodes.of(truth, SLACK, ONSET)).extracting(FaultEpisodes.Episode::kind)
                .containsExactly(FaultKind.SPIKE, FaultKind.SPIKE, FaultKind.STUCK);
        assertThat(FaultEpisodes.of(truth, SLACK, ONSET)).extracting(FaultEpisodes.Episode::matchTo)
                .containsExactly(100 + SLACK, 300 + SLACK, 420 + SLACK);
    }

    @Test
    void aStepIsMatchedNearItsOnsetWhateverTruthFollowsIt() {
        // the step at 1200, then a noise burst at 2000 and a re-excitation record at 2500: the step's window stays
        // [1200, 1200 + ONSET]; before, the next record closed it, so a flag at 1800 counted as its detection
        TruthLog truth = log(0L, null, null, 1200L, null, FaultKind.PARAMETER_STEP,
                2000L, 2099L, FaultKind.NOISE_BURST, 2500L, null, null);
        assertThat(FaultEpisodes.of(truth, SLACK, ONSET)).extracting(FaultEpisodes.Episode::matchTo)
                .containsExactly(1200 + ONSET, 2099 + SLACK);
        LiveScore.Totals t = LiveScore.score(truth, null, flags(1800), SLACK, ONSET, 50);
        assertThat(t.faultsDetected).isZero();
        assertThat(t.anomaliesMatched).isZero();
        // a truth record right after the step does not cut its window short either
        TruthLog soon = log(0L, null, null, 1200L, null, FaultKind.PARAMETER_STEP, 1210L, null, null);
        assertThat(LiveScore.score(soon, null, flags(1400), SLACK, ONSET, 50).faultsDetected).isEqualTo(1);
    }

    @Test
    void twoStepsOnOneSensorAreTwoFaults() {
        TruthLog truth = log(0L, null, null, 1000L, null, FaultKind.PARAMETER_STEP,
                3000L, null, FaultKind.PARAMETER_STEP);
        assertThat(FaultEpisodes.of(truth, SLACK, ONSET)).extracting(FaultEpisodes.Episode::fromSequence)
                .containsExactly(1000L, 3000L);
        LiveScore.Totals t = LiveScore.score(truth, null, flags(1010, 3010), SLACK, ONSET, 50);
        assertThat(t.faults).isEqualTo(2);
        assertThat(t.faultsDetected).isEqualTo(2);
    }

    static TruthLog drift(double start, double end) {
        TruthLog log = new TruthLog();
        log.add(truthAt(0, null, start), 100);
        // 600..1599, re-published every 100 samples with its value then, as the simulator does
        for (long s = 600; s < 1600; s += 100) {
            log.add(truthAt(s, FaultKind.PARAMETER_DRIFT, start + (end - start) * (s - 600 + 1) / 1000.0), 100);
        }
        log.add(truthAt(1600, null, end), 100);
        return log;
    }

    static io.hybridcast.avro.SensorTruth truthAt(long from, FaultKind fault, double omega) {
        io.hybridcast.avro.SensorTruth t = truth(from, null, fault);
        t.setPhysics(java.util.Map.of("omega", omega));
        return t;
    }

    @Test
    void aDriftIsScoredByHowFarItsParameterHadMovedWhenFlagged() {
        TruthLog truth = drift(2.0, 1.2); // -40 % over 1000 samples: 15 % (0.3) at sample 975
        assertThat(FaultEpisodes.movedAt(truth, 600, 850)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.002));
        LiveScore.Totals early = LiveScore.score(truth, null, flags(841), SLACK, ONSET, 50); // flag ends at 850
        assertThat(early.drifts).isEqualTo(1);
        assertThat(early.quality().get("drifts_flagged_in_time")).isEqualTo(1.0);
        assertThat((Double) early.quality().get("drift_moved_at_detection")).isCloseTo(0.1,
                org.assertj.core.data.Offset.offset(0.002));
        LiveScore.Totals late = LiveScore.score(truth, null, flags(1191), SLACK, ONSET, 50); // ends at 1200: 24 %
        assertThat(late.faultsDetected).isEqualTo(1);
        assertThat(late.quality().get("drifts_flagged_in_time")).isEqualTo(0.0);
        LiveScore.Totals missed = LiveScore.score(truth, null, flags(), SLACK, ONSET, 50);
        assertThat(missed.quality().get("drifts_flagged_in_time")).isEqualTo(0.0);
        assertThat(missed.quality().get("drift_moved_at_detection")).isNull();
    }

    @Test
    void theAlarmTableNamesWhatEachAlarmMatched() {
        TruthLog truth = log(0L, null, null, 1200L, null, FaultKind.PARAMETER_STEP);
        java.util.Map<String, Object> table = AlarmTable.of(truth, flags(1210, 5000), SLACK, ONSET, 50);
        assertThat(table.get("episodes")).asList().singleElement().satisfies(row -> {
            java.util.Map<?, ?> m = (java.util.Map<?, ?>) row;
            assertThat(m.get("fault")).isEqualTo("PARAMETER_STEP");
            assertThat(m.get("detectedBy")).isEqualTo("PHYSICS_DRIFT/omega@1210-1219");
            assertThat(m.get("delayMs")).isEqualTo(19 * 50L);
        });
        java.util.List<?> alarms = (java.util.List<?>) table.get("alarms");
        assertThat(alarms).hasSize(2);
        assertThat(((java.util.Map<?, ?>) alarms.get(0)).get("matched")).isEqualTo(java.util.List.of("PARAMETER_STEP@1200"));
        assertThat(((java.util.Map<?, ?>) alarms.get(1)).get("matched")).isEqualTo(java.util.List.of());
    }
}
