package io.hybridcast.streams.api;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ParameterEstimate;
import io.hybridcast.avro.SensorParameterEstimate;
import io.hybridcast.streams.config.SystemSettings;
import io.hybridcast.streams.topology.AnomalyHistory;
import io.hybridcast.streams.topology.PendingForecasts;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.streams.topology.SensorPhysics;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.TruthLog;
import io.hybridcast.streams.topology.ZpHistory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON shapes of the API: plain maps and lists, so the wire format is visible in one place. */
final class Views {

    private Views() {
    }

    static Map<String, Object> sensor(SensorState s, SystemSettings windowing, int contextWindows,
                                      AnomalyHistory anomalies, SensorPhysics physics) {
        // the context set keeps one window more than K (ContextSet#pool): the user is told about K
        contextWindows = Math.min(contextWindows, windowing.contextWindows());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sensorId", s.sensorId);
        m.put("system", s.system.name());
        m.put("status", s.status().name());
        m.put("statusText", switch (s.status()) {
            case WARMING_UP -> "warming up: " + contextWindows + " of " + windowing.contextWindows()
                    + " context windows";
            case WAITING_FOR_MODEL -> "waiting for a model (readings are kept as context)";
            case FORECASTING -> "forecasting with model version " + s.serving().modelVersion();
        });
        m.put("contextWindows", contextWindows);
        m.put("contextWindowsNeeded", windowing.contextWindows());
        m.put("lastSequence", s.lastSequence());
        m.put("lastEventTime", s.cursor().lastEventTime());
        m.put("readings", s.readings());
        m.put("forecasts", s.serving().forecasts());
        m.put("modelVersion", s.serving().modelVersion() < 0 ? null : s.serving().modelVersion());
        Map<String, Object> active = new LinkedHashMap<>();
        active.put("stuck", s.faults().stuck().active());
        active.put("spike", s.faults().spike().active());
        active.put("outOfRange", s.faults().range().active());
        active.put("forecastDeviation", s.checks().deviation().active());
        active.put("physicsDrift", s.checks().drift().active());
        active.put("unmodelledDynamics", s.checks().unmodelled().active());
        m.put("activeFlags", active);
        m.put("anomalyCounts", anomalies == null ? Map.of() : anomalies.countsByKind);
        m.put("physics", physics == null ? List.of() : sensorPhysics(physics));
        return m;
    }

    /**
     * The sensor-level posterior per parameter (physical units): mean, std, 95 % interval, effective windows and
     * between-window std; empty before the first fused window.
     */
    static List<Map<String, Object>> sensorPhysics(SensorPhysics physics) {
        List<Map<String, Object>> out = new ArrayList<>();
        RandomEffects.Estimate[] estimates = physics.estimates();
        for (int j = 0; j < estimates.length; j++) {
            RandomEffects.Estimate e = estimates[j];
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", physics.names().get(j));
            m.put("mean", e.mean());
            m.put("std", e.std());
            m.put("lower95", e.lower95());
            m.put("upper95", e.upper95());
            m.put("effectiveWindows", e.effectiveWindows());
            m.put("betweenWindowStd", e.tau());
            m.put("windows", physics.windows());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> forecast(Forecast f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sensorId", f.getSensorId());
        m.put("system", f.getSystem().name());
        m.put("modelVersion", f.getModelVersion());
        m.put("algorithm", f.getAlgorithm());
        m.put("issueTime", f.getIssueTime().toEpochMilli());
        m.put("firstSequence", f.getFirstSequence());
        m.put("stepMillis", f.getStepMillis());
        m.put("mean", f.getMean());
        m.put("lower", f.getLower());
        m.put("upper", f.getUpper());
        List<Map<String, Object>> physics = new ArrayList<>();
        for (ParameterEstimate p : f.getPhysics()) {
            physics.add(Map.of("name", p.getName(), "mean", p.getMean(), "std", p.getStd()));
        }
        m.put("physics", physics);
        m.put("neuralLatents", f.getNeuralLatents());
        m.put("contextSize", f.getContextSize());
        List<Map<String, Object>> sensorPhysics = new ArrayList<>();
        for (SensorParameterEstimate e : f.getSensorPhysics()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", e.getName());
            one.put("mean", e.getMean());
            one.put("std", e.getStd());
            one.put("lower95", e.getLower95());
            one.put("upper95", e.getUpper95());
            one.put("effectiveWindows", e.getEffectiveWindows());
            one.put("betweenWindowStd", e.getBetweenWindowStd());
            sensorPhysics.add(one);
        }
        m.put("sensorPhysics", sensorPhysics);
        return m;
    }

    static List<Map<String, Object>> zp(ZpHistory h) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (h == null) {
            return out;
        }
        for (ZpHistory.Point p : h.points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sequence", p.sequence());
            m.put("eventTime", p.eventTime());
            m.put("modelVersion", p.modelVersion());
            m.put("names", p.names());
            m.put("mean", p.mean());
            m.put("std", p.std());
            m.put("priorMean", p.priorMean());
            m.put("priorStd", p.priorStd());
            m.put("sensorMean", p.sensorMean());
            m.put("sensorStd", p.sensorStd());
            m.put("sensorLower95", p.sensorLower());
            m.put("sensorUpper95", p.sensorUpper());
            out.add(m);
        }
        return out;
    }

    /**
     * The published ground truth, oldest first: sequence range ({@code toSequence} null while open), true physics
     * (may be empty for a fault-only range), the fault and its description. Empty where the simulator publishes
     * none. For display and scoring only.
     */
    static List<Map<String, Object>> truth(TruthLog t) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (t == null) {
            return out;
        }
        for (TruthLog.Range r : t.ranges) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fromSequence", r.fromSequence());
            m.put("toSequence", r.toSequence() == Long.MAX_VALUE ? null : r.toSequence());
            m.put("physics", r.physics());
            m.put("fault", r.fault() == null ? null : r.fault().name());
            m.put("description", r.description());
            out.add(m);
        }
        return out;
    }

    static List<Map<String, Object>> anomalies(AnomalyHistory h) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (h == null) {
            return out;
        }
        for (Anomaly a : h.anomalies) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", a.getKind().name());
            m.put("detail", a.getDetail());
            m.put("score", a.getScore());
            m.put("threshold", a.getThreshold());
            m.put("fromSequence", a.getFromSequence());
            m.put("toSequence", a.getToSequence());
            m.put("detectedAt", a.getDetectedAt().toEpochMilli());
            m.put("modelVersion", a.getModelVersion());
            m.put("explanation", a.getExplanation());
            out.add(m);
        }
        return out;
    }

    /** Recent actuals and the forecasts still covering the future, for the dashboard's chart. */
    static Map<String, Object> series(SensorState s, List<PendingForecasts.Entry> pending) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Long> seqs = new ArrayList<>();
        List<double[]> recent = s.recent().asList();
        long first = s.lastSequence() - recent.size() + 1;
        for (int i = 0; i < recent.size(); i++) {
            seqs.add(first + i);
        }
        m.put("sequences", seqs);
        m.put("actuals", recent);
        List<Map<String, Object>> forecasts = new ArrayList<>();
        if (pending != null) {
            for (PendingForecasts.Entry e : pending) {
                forecasts.add(Map.of("firstSequence", e.firstSequence(), "modelVersion", e.modelVersion(),
                        "mean", e.mean(), "lower", e.lower(), "upper", e.upper()));
            }
        }
        m.put("forecasts", forecasts);
        return m;
    }
}
