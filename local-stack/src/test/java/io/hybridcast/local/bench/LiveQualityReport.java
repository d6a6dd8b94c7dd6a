package io.hybridcast.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Set;

/**
 * Turns one local-stack summary (what {@code /api/fleet} returns, plus {@code first_model_s}) into a run of
 * docs/benchmarks/live-quality.json and checks it against the targets of issue 11. The numbers come from the summary's
 * {@code quality} object; where it lacks one, from the older names of today's summary (precision, recall, mean
 * detection delay under {@code score}; alarms per sensor-hour counted from {@code anomaliesByKind}), and
 * {@code sources} says which.
 */
final class LiveQualityReport {

    /** The systems the targets name, in its order. */
    static final List<String> SYSTEMS = List.of("PENDULUM", "ADVECTION_DIFFUSION", "DOUBLE_PENDULUM");
    /** Runs with injected faults, where precision, recall and delay are judged. */
    static final Set<String> FAULT_RUNS = Set.of("example", "random");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LiveQualityReport() {
    }

    /** Which runs a target is judged on. */
    enum Scope { ALL, FAULT_RUNS, FAULT_FREE }

    /** One target of the issue: what it bounds, where it applies, how it reads. */
    record Target(String id, String description, Scope scope, Double min, Double max, boolean exclusiveMin) {

        boolean appliesTo(String run) {
            return switch (scope) {
                case ALL -> true;
                case FAULT_RUNS -> FAULT_RUNS.contains(run);
                case FAULT_FREE -> run.equals("fault-free");
            };
        }

        Boolean check(Double value) {
            if (value == null || value.isNaN()) {
                return null;
            }
            boolean aboveMin = min == null || (exclusiveMin ? value > min : value >= min);
            boolean belowMax = max == null || value <= max;
            return aboveMin && belowMax;
        }
    }

    /** The targets (section Targets of issue 11). */
    static List<Target> targets() {
        return List.of(
                new Target("zp_rel_err.PENDULUM", "z_p mean relative error of the sensor-level estimates after each"
                        + " sensor's first minute <= 10 % (pendulum)", Scope.ALL, null, 0.10, false),
                new Target("zp_rel_err.ADVECTION_DIFFUSION", "... <= 15 % (line)", Scope.ALL, null, 0.15, false),
                new Target("zp_rel_err.DOUBLE_PENDULUM", "... <= 15 % (double pendulum)", Scope.ALL, null, 0.15, false),
                new Target("zp_coverage_95", "95 % interval coverage of the truth in [0.85, 0.99]", Scope.ALL,
                        0.85, 0.99, false),
                new Target("precision", "precision >= 0.9 on example and random", Scope.FAULT_RUNS, 0.9, null, false),
                new Target("recall", "recall >= 0.9 over every fault kind on example and random", Scope.FAULT_RUNS, 0.9,
                        null, false),
                new Target("detection_delay_ms", "mean detection delay <= 2 s for steps and sensor faults on example and random (drifts apart)", Scope.FAULT_RUNS,
                        null, 2000.0, false),
                new Target("drifts_flagged_in_time", "every drift flagged before its parameter had moved 15 % (the "
                        + "fraction of drifts so flagged is 1) on example and random", Scope.FAULT_RUNS, 1.0, null,
                        false),
                new Target("alarms_per_sensor_hour", "<= 1 alarm per sensor-hour on fault-free", Scope.FAULT_FREE, null,
                        1.0, false),
                new Target("forecast_skill.PENDULUM", "forecast skill (1 - MSE/MSE_persistence) > 0", Scope.ALL,
                        0.0, null, true),
                new Target("forecast_skill.ADVECTION_DIFFUSION", "forecast skill > 0", Scope.ALL, 0.0, null, true),
                new Target("forecast_skill.DOUBLE_PENDULUM", "forecast skill > 0", Scope.ALL, 0.0, null, true),
                new Target("band_coverage_95", "95 % band coverage in [0.90, 0.98]", Scope.ALL, 0.90, 0.98, false),
                new Target("first_model_s", "first model serving <= 30 s after start", Scope.ALL, null, 30.0, false));
    }

    /**
     * The run's entry: the fields, where each came from, and the targets that apply with pass/fail (null
     * when the summary does not have the number).
     */
    static ObjectNode run(String name, String command, double durationSeconds, JsonNode summary) {
        JsonNode quality = summary.path("quality");
        JsonNode score = summary.path("score");
        ObjectNode run = NODES.objectNode();
        ObjectNode sources = NODES.objectNode();
        run.put("name", name);
        run.put("command", command);
        run.put("duration_s", durationSeconds);
        run.set("zp_rel_err", perSystem(quality.path("zp_rel_err")));
        sources.put("zp_rel_err", quality.has("zp_rel_err") ? "quality.zp_rel_err" : "absent");
        copy(run, sources, "zp_coverage_95", quality, null, null);
        copy(run, sources, "precision", quality, score, "precision");
        copy(run, sources, "recall", quality, score, "recall");
        copy(run, sources, "detection_delay_ms", quality, score, "meanDetectionDelayMs");
        copy(run, sources, "drift_detection_delay_ms", quality, score, "meanDriftDetectionDelayMs");
        copy(run, sources, "drifts_flagged_in_time", quality, null, null);
        copy(run, sources, "drift_moved_at_detection", quality, null, null);
        if (quality.path("recall_by_fault").isObject()) {
            run.set("recall_by_fault", quality.path("recall_by_fault"));
        }
        if (number(quality.path("alarms_per_sensor_hour")) != null) {
            run.put("alarms_per_sensor_hour", number(quality.path("alarms_per_sensor_hour")));
            sources.put("alarms_per_sensor_hour", "quality.alarms_per_sensor_hour");
        } else {
            Double counted = alarmsPerSensorHour(summary, durationSeconds);
            run.put("alarms_per_sensor_hour", counted);
            sources.put("alarms_per_sensor_hour", counted == null ? "absent"
                    : "anomaliesByKind summed / (sensors x duration_s / 3600)");
        }
        run.set("forecast_skill", perSystem(quality.path("forecast_skill")));
        sources.put("forecast_skill", quality.has("forecast_skill") ? "quality.forecast_skill" : "absent");
        run.set("forecast_skill_vs_physics", perSystem(quality.path("forecast_skill_vs_physics")));
        copy(run, sources, "band_coverage_95", quality, null, null);
        run.put("first_model_s", number(summary.path("first_model_s")));
        sources.put("first_model_s", summary.has("first_model_s") ? "first_model_s" : "absent");
        run.set("sources", sources);
        run.set("targets", checks(name, run));
        return run;
    }

    /** Pass/fail of every target that applies to the run. */
    private static ArrayNode checks(String name, ObjectNode run) {
        ArrayNode out = NODES.arrayNode();
        for (Target t : targets()) {
            if (!t.appliesTo(name)) {
                continue;
            }
            JsonNode node = t.id().contains(".") ? run.path(t.id().substring(0, t.id().indexOf('.')))
                    .path(t.id().substring(t.id().indexOf('.') + 1)) : run.path(t.id());
            ObjectNode check = NODES.objectNode();
            check.put("target", t.id());
            Boolean pass;
            if (node.isObject()) { // a number per system: each must pass
                check.set("value", node);
                pass = null;
                for (JsonNode v : node) {
                    Boolean one = t.check(number(v));
                    if (one != null) {
                        pass = (pass == null || pass) && one;
                    }
                }
            } else {
                check.put("value", number(node));
                pass = t.check(number(node));
            }
            if (pass == null) {
                check.putNull("pass");
            } else {
                check.put("pass", pass);
            }
            out.add(check);
        }
        return out;
    }

    /** Counts over every run's checks: passed, failed, not measured. */
    static ObjectNode verdict(List<ObjectNode> runs) {
        int passed = 0;
        int failed = 0;
        int unmeasured = 0;
        for (ObjectNode run : runs) {
            for (JsonNode check : run.path("targets")) {
                JsonNode pass = check.path("pass");
                if (pass.isNull()) {
                    unmeasured++;
                } else if (pass.asBoolean()) {
                    passed++;
                } else {
                    failed++;
                }
            }
        }
        ObjectNode v = NODES.objectNode();
        v.put("targets_passed", passed);
        v.put("targets_failed", failed);
        v.put("targets_not_measured", unmeasured);
        v.put("all_pass", failed == 0 && unmeasured == 0);
        return v;
    }

    /** The targets as listed in the report. */
    static ArrayNode targetList() {
        ArrayNode list = NODES.arrayNode();
        for (Target t : targets()) {
            ObjectNode n = NODES.objectNode();
            n.put("target", t.id());
            n.put("rule", t.description());
            n.put("runs", switch (t.scope()) {
                case ALL -> "all";
                case FAULT_RUNS -> "example, random";
                case FAULT_FREE -> "fault-free";
            });
            list.add(n);
        }
        return list;
    }

    private static void copy(ObjectNode run, ObjectNode sources, String key, JsonNode quality, JsonNode fallback,
                             String fallbackKey) {
        if (quality.path(key).isObject()) { // per system
            run.set(key, perSystem(quality.path(key)));
            sources.put(key, "quality." + key);
            return;
        }
        Double value = number(quality.path(key));
        String source = "quality." + key;
        if (value == null && fallback != null) {
            value = number(fallback.path(fallbackKey));
            source = "score." + fallbackKey;
        }
        run.put(key, value);
        sources.put(key, value == null ? "absent" : source);
    }

    private static ObjectNode perSystem(JsonNode node) {
        ObjectNode out = NODES.objectNode();
        for (String system : SYSTEMS) {
            out.put(system, number(node.path(system)));
        }
        return out;
    }

    private static Double alarmsPerSensorHour(JsonNode summary, double durationSeconds) {
        JsonNode byKind = summary.path("anomaliesByKind");
        long sensors = summary.path("sensors").asLong(0);
        if (!byKind.isObject() || sensors == 0 || durationSeconds <= 0) {
            return null;
        }
        long alarms = 0;
        for (JsonNode n : byKind) {
            alarms += n.asLong();
        }
        return alarms / (sensors * durationSeconds / 3600.0);
    }

    private static Double number(JsonNode node) {
        return node != null && node.isNumber() ? node.asDouble() : null;
    }

    /** Pretty JSON for the report file. */
    static String pretty(JsonNode node) throws com.fasterxml.jackson.core.JsonProcessingException {
        return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }
}
