package io.hybridcast.streams.scoring;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.topology.AnomalyHistory;
import io.hybridcast.streams.topology.StoreNames;
import io.hybridcast.streams.topology.TruthLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/** Ground truth on sensor-truth is kept per sensor and scores the anomaly flags (precision, recall, delay). */
class LiveScoreTopologyTest {

    @TempDir
    Path stateDir;

    static SensorTruth truth(long from, Long to, FaultKind fault) {
        return SensorTruth.newBuilder().setSensorId("p1").setSystem(SystemKind.PENDULUM).setFromSequence(from)
                .setToSequence(to).setPhysics(Map.of("omega", 2.0)).setUnmodelled(Map.of()).setFault(fault)
                .setDescription(fault == null ? "healthy" : fault.name())
                .setPublishedAt(TopologyFixture.T0.plusMillis(50 * from)).build();
    }

    @Test
    void anomaliesAreScoredAgainstInjectedFaults() {
        try (TopologyFixture f = new TopologyFixture(StreamsSettings.fromMap(Map.of(
                "pendulum.window.length", "10", "pendulum.hop", "5", "pendulum.context.windows", "2"), "test"),
                new ModelRegistry(), stateDir)) {
            f.pipeTruth(truth(0, null, null));
            f.pipeTruth(truth(100, 100L, FaultKind.SPIKE));
            f.pipeTruth(truth(150, 160L, FaultKind.NOISE_BURST)); // nothing in the readings: a miss
            for (long s = 0; s < 200; s++) {
                f.pipe(reading("p1", SystemKind.PENDULUM, s, Math.sin(0.3 * s) + (s == 100 ? 2.5 : 0)
                        + (s == 60 ? -2.5 : 0))); // sequence 60: a spike no truth explains (a false alarm)
            }
            TruthLog log = f.<TruthLog>store(StoreNames.TRUTH).get("p1");
            assertThat(log.ranges).hasSize(3);
            LiveScore.Totals score = LiveScore.score(log, null,
                    f.<AnomalyHistory>store(StoreNames.ANOMALY_HISTORY).get("p1"), 10, 30, 50);
            assertThat(score.faults).isEqualTo(2);
            assertThat(score.faultsDetected).isEqualTo(1);
            assertThat(score.anomalies).isEqualTo(2);
            assertThat(score.anomaliesMatched).isEqualTo(1);
            Map<String, Object> view = score.view();
            assertThat(view.get("recall")).isEqualTo(0.5);
            assertThat(view.get("precision")).isEqualTo(0.5);
            assertThat(view.get("meanDetectionDelayMs")).isEqualTo(0.0);
            assertThat(view.get("zpRmse")).isNull();
        }
    }
}
