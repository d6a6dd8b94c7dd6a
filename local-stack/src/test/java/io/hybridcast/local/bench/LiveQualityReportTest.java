package io.hybridcast.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's reading of a summary: the quality object first, today's names as fallback, pass/fail per target. */
class LiveQualityReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, JsonNode> checks(JsonNode run) {
        Map<String, JsonNode> byTarget = new HashMap<>();
        run.path("targets").forEach(c -> byTarget.put(c.path("target").asText(), c));
        return byTarget;
    }

    @Test
    void aSummaryWithTheQualityObjectIsReadAndJudged() throws Exception {
        JsonNode summary = JSON.readTree("""
                {"sensors": 6, "anomaliesByKind": {"SPIKE": 40},
                 "score": {"precision": 0.1, "recall": 0.1, "meanDetectionDelayMs": 9999},
                 "quality": {"zp_rel_err": {"PENDULUM": 0.08, "ADVECTION_DIFFUSION": 0.2, "DOUBLE_PENDULUM": 0.1},
                   "zp_coverage_95": 0.93, "precision": 0.95, "recall": 0.5, "detection_delay_ms": 1500,
                   "alarms_per_sensor_hour": 0.4, "forecast_skill": {"PENDULUM": 0.3, "ADVECTION_DIFFUSION": -0.1,
                   "DOUBLE_PENDULUM": 0.2}, "forecast_skill_vs_physics": {"PENDULUM": 0.1},
                   "band_coverage_95": 0.95},
                 "first_model_s": 12.5}""");
        ObjectNode run = LiveQualityReport.run("example", "java -jar x", 260, summary);
        assertThat(run.path("precision").asDouble()).isEqualTo(0.95); // the quality object wins over score
        assertThat(run.path("sources").path("precision").asText()).isEqualTo("quality.precision");
        assertThat(run.path("zp_rel_err").path("ADVECTION_DIFFUSION").asDouble()).isEqualTo(0.2);
        assertThat(run.path("forecast_skill_vs_physics").path("PENDULUM").asDouble()).isEqualTo(0.1);
        assertThat(run.path("first_model_s").asDouble()).isEqualTo(12.5);
        Map<String, JsonNode> checks = checks(run);
        assertThat(checks.get("zp_rel_err.PENDULUM").path("pass").asBoolean()).isTrue();
        assertThat(checks.get("zp_rel_err.ADVECTION_DIFFUSION").path("pass").asBoolean()).isFalse();
        assertThat(checks.get("precision").path("pass").asBoolean()).isTrue();
        assertThat(checks.get("recall").path("pass").asBoolean()).isFalse();
        assertThat(checks.get("detection_delay_ms").path("pass").asBoolean()).isTrue();
        assertThat(checks.get("forecast_skill.ADVECTION_DIFFUSION").path("pass").asBoolean()).isFalse();
        assertThat(checks.get("band_coverage_95").path("pass").asBoolean()).isTrue();
        assertThat(checks.get("first_model_s").path("pass").asBoolean()).isTrue();
        assertThat(checks).doesNotContainKey("alarms_per_sensor_hour"); // judged on fault-free only

        ObjectNode faultFree = LiveQualityReport.run("fault-free", "java -jar x", 600, summary);
        assertThat(checks(faultFree)).containsKey("alarms_per_sensor_hour").doesNotContainKeys("precision", "recall");
        assertThat(LiveQualityReport.verdict(List.of(run, faultFree)).path("all_pass").asBoolean()).isFalse();
    }

    @Test
    void todaysSummaryFallsBackToTheOlderNamesAndSaysSo() throws Exception {
        JsonNode summary = JSON.readTree("""
                {"sensors": 6, "byStatus": {"OK": 6}, "anomaliesByKind": {"SPIKE": 2, "PHYSICS_DRIFT": 1},
                 "score": {"zpMeanRelativeError": 0.93, "precision": 0.3, "recall": 0.71,
                           "meanDetectionDelayMs": 800.0},
                 "first_model_s": null}""");
        ObjectNode run = LiveQualityReport.run("fault-free", "java -jar x", 600, summary);
        assertThat(run.path("precision").asDouble()).isEqualTo(0.3);
        assertThat(run.path("sources").path("precision").asText()).isEqualTo("score.precision");
        assertThat(run.path("detection_delay_ms").asDouble()).isEqualTo(800.0);
        // 3 alarms over 6 sensors for 10 minutes = 1 sensor-hour
        assertThat(run.path("alarms_per_sensor_hour").asDouble()).isEqualTo(3.0);
        assertThat(run.path("sources").path("alarms_per_sensor_hour").asText()).contains("anomaliesByKind");
        assertThat(run.path("zp_rel_err").path("PENDULUM").isNull()).isTrue();
        assertThat(run.path("first_model_s").isNull()).isTrue();
        Map<String, JsonNode> checks = checks(run);
        assertThat(checks.get("alarms_per_sensor_hour").path("pass").asBoolean()).isFalse();
        assertThat(checks.get("zp_rel_err.PENDULUM").path("pass").isNull()).isTrue();
        JsonNode verdict = LiveQualityReport.verdict(List.of(run));
        assertThat(verdict.path("targets_failed").asInt()).isEqualTo(1);
        assertThat(verdict.path("targets_not_measured").asInt()).isEqualTo(checks.size() - 1);
        assertThat(verdict.path("all_pass").asBoolean()).isFalse();
    }

    @Test
    void aBandCoveragePerSystemMustPassForEverySystem() throws Exception {
        JsonNode summary = JSON.readTree("""
                {"quality": {"band_coverage_95": {"PENDULUM": 0.95, "ADVECTION_DIFFUSION": 0.5}}}""");
        ObjectNode run = LiveQualityReport.run("random", "java -jar x", 60, summary);
        assertThat(run.path("band_coverage_95").path("PENDULUM").asDouble()).isEqualTo(0.95);
        assertThat(checks(run).get("band_coverage_95").path("pass").asBoolean()).isFalse();
    }

    @Test
    void aDriftFlaggedTooLateFailsItsTarget() throws Exception {
        JsonNode summary = JSON.readTree("""
                {"quality": {"drifts_flagged_in_time": 0.5, "drift_moved_at_detection": 0.21,
                  "recall_by_fault": {"PARAMETER_DRIFT": 1.0}}}""");
        ObjectNode run = LiveQualityReport.run("example", "java -jar x", 60, summary);
        assertThat(run.path("drift_moved_at_detection").asDouble()).isEqualTo(0.21);
        assertThat(run.path("recall_by_fault").path("PARAMETER_DRIFT").asDouble()).isEqualTo(1.0);
        assertThat(checks(run).get("drifts_flagged_in_time").path("pass").asBoolean()).isFalse();
        JsonNode inTime = JSON.readTree("""
                {"quality": {"drifts_flagged_in_time": 1.0}}""");
        assertThat(checks(LiveQualityReport.run("random", "java -jar x", 60, inTime)).get("drifts_flagged_in_time")
                .path("pass").asBoolean()).isTrue();
        assertThat(checks(LiveQualityReport.run("fault-free", "java -jar x", 60, inTime)))
                .doesNotContainKey("drifts_flagged_in_time");
    }
}
