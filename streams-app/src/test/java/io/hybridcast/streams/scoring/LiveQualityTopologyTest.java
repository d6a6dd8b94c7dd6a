package io.hybridcast.streams.scoring;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.topology.AnomalyHistory;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.StoreNames;
import io.hybridcast.streams.topology.TruthLog;
import io.hybridcast.streams.topology.ZpHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The fleet's live quality (the "quality" object of /api/fleet): sensor-level z_p error and interval coverage
 * against the truth after the sensor's first minute, forecast skill against persistence and band coverage, with
 * exactly the keys the live-quality benchmark reads.
 */
class LiveQualityTopologyTest {

    @TempDir
    Path stateDir;

    @Test
    void qualityScoresTheSensorLevelPhysicsAndTheForecasts() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        try (TopologyFixture f = new TopologyFixture(StreamsSettings.fromMap(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.latency.ms", "100"), "test"), registry, stateDir)) {
            f.pipeTruth(LiveScoreTopologyTest.truth(0, null, null)); // omega = 2 rad/s throughout
            for (long s = 0; s < 1600; s++) { // 80 s at 20 Hz
                f.pipe(reading("p1", SystemKind.PENDULUM, s, 0.5 * Math.cos(2.0 * 0.05 * s)));
                if (s % 5 == 4) {
                    f.advanceWallClock(Duration.ofMillis(100));
                }
            }
            SensorState state = f.<SensorState>store(StoreNames.SENSOR_STATE).get("p1");
            TruthLog truth = f.<TruthLog>store(StoreNames.TRUTH).get("p1");
            ZpHistory zp = ZpHistory.of(f.store(StoreNames.ZP_HISTORY), "p1");
            LiveScore.Totals totals = LiveScore.score(state, truth, zp,
                    f.<AnomalyHistory>store(StoreNames.ANOMALY_HISTORY).get("p1"), 20, 60, 50);
            Map<String, Object> q = totals.quality();
            assertThat(q).containsOnlyKeys("zp_rel_err", "zp_coverage_95", "precision", "recall",
                    "detection_delay_ms", "drift_detection_delay_ms", "drifts_flagged_in_time",
                    "drift_moved_at_detection", "recall_by_fault", "alarms_per_sensor_hour", "forecast_skill", "forecast_skill_vs_physics",
                    "band_coverage_95");
            // the relative error of the sensor-level estimates recorded after the first minute, recomputed here
            double sum = 0;
            int n = 0;
            int covered = 0;
            for (ZpHistory.Point p : zp.points) {
                if (p.sequence() * 50 >= 60_000) {
                    sum += Math.abs(p.sensorMean()[0] - 2.0) / 2.0;
                    covered += p.sensorLower()[0] <= 2.0 && 2.0 <= p.sensorUpper()[0] ? 1 : 0;
                    n++;
                }
            }
            assertThat(n).isGreaterThan(10);
            @SuppressWarnings("unchecked")
            Map<String, Object> zpError = (Map<String, Object>) q.get("zp_rel_err");
            assertThat(zpError).containsOnlyKeys("PENDULUM", "ADVECTION_DIFFUSION", "DOUBLE_PENDULUM");
            assertThat((Double) zpError.get("PENDULUM")).isCloseTo(sum / n, within(1e-12));
            assertThat(zpError.get("DOUBLE_PENDULUM")).isNull();
            assertThat((Double) q.get("zp_coverage_95")).isCloseTo(covered / (double) n, within(1e-12));
            @SuppressWarnings("unchecked")
            Map<String, Object> skill = (Map<String, Object>) q.get("forecast_skill");
            double expected = 1 - state.score().squaredError() / state.score().persistenceSquaredError();
            assertThat((Double) skill.get("PENDULUM")).isCloseTo(expected, within(1e-12));
            assertThat(state.score().scored()).isGreaterThan(1000);
            assertThat((Double) q.get("band_coverage_95")).isBetween(0.0, 1.0)
                    .isCloseTo(state.score().inBand() / (double) state.score().scored(), within(1e-12));
            assertThat((Double) q.get("alarms_per_sensor_hour")).isNotNull();
            assertThat(q.get("recall")).isNull(); // no fault injected
            // the same numbers on /metrics
            assertThat(f.metrics.registry().find("hybridcast.forecast.skill").tags("system", "PENDULUM").gauge()
                    .value()).isCloseTo(expected, within(1e-9));
        }
        registry.close();
    }
}
