package io.hybridcast.streams.scoring;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.topology.ForecastScore;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.AnomalyHistory;
import io.hybridcast.streams.topology.TruthLog;
import io.hybridcast.streams.topology.ZpHistory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live scoring against the simulator's ground truth (topic sensor-truth): how far the z_p estimates are from
 * the true physics, and how the anomaly flags match the injected faults (precision, recall, detection
 * delay). Computed on demand from the kept histories, so it covers the recent past those stores hold.
 *
 * <p>A fault is an episode ({@link FaultEpisodes}): the truth records of a drift or of a transient fault that
 * follow each other without a gap are one fault (a drift is re-published every few samples with its current
 * value; counting each record would make one drift two dozen faults). An anomaly matches a fault when its
 * sequence range overlaps the fault's range extended by {@code slackSamples} (detections that need a window of
 * evidence come after the fault starts); a fault in force for good (a parameter step, an unmodelled change) is
 * matched only within {@code onsetSamples} of its onset: after that it is the sensor's new normal, and a later
 * flag is not its detection. A drift is also scored by how far its parameter had moved when it was flagged.
 */
public final class LiveScore {

    /** Counts that add up across sensors. */
    public static final class Totals {
        public long zpEstimates;
        public double zpSquaredError;
        public double zpRelativeError;
        public long faults;
        public long faultsDetected;
        /** Detection delays of the detected steps and sensor faults (the issue's ≤ 2 s target), and their count. */
        public double detectionDelayMs;
        public long delaysScored;
        /**
         * Detection delays of the detected drifts, apart: a slow drift is flagged once it has moved enough to
         * show, tens of seconds after it starts (its target is the size moved, not a delay); averaged with the
         * steps it would hide their delay (one 96 s drift turned a 1 s mean into 20 s).
         */
        public double driftDetectionDelayMs;
        public long driftsDetected;
        /** Drift episodes, and those flagged before the parameter had moved {@link FaultEpisodes#DRIFT_IN_TIME} of its value. */
        public long drifts;
        public long driftsInTime;
        /** The largest relative move of a drifting parameter at its detection; -1 for none detected. */
        public double driftMovedMax = -1;
        public long anomalies;
        public long anomaliesMatched;
        public final Map<String, long[]> recallByFault = new TreeMap<>();
        /** Per system: {scored sensor-level estimates, sum of relative errors, intervals containing the truth}. */
        public final Map<String, double[]> sensorZpBySystem = new TreeMap<>();
        /** Per system: {scored actuals, model squared error, persistence squared error, actuals in band}. */
        public final Map<String, double[]> forecastBySystem = new TreeMap<>();
        /** Hours of readings scored for alarms (readings x sample interval). */
        public double sensorHours;
        /** Every anomaly ever raised on those sensors (not only the kept ones). */
        public long alarms;

        public void add(Totals other) {
            zpEstimates += other.zpEstimates;
            zpSquaredError += other.zpSquaredError;
            zpRelativeError += other.zpRelativeError;
            faults += other.faults;
            faultsDetected += other.faultsDetected;
            detectionDelayMs += other.detectionDelayMs;
            delaysScored += other.delaysScored;
            driftDetectionDelayMs += other.driftDetectionDelayMs;
            driftsDetected += other.driftsDetected;
            drifts += other.drifts;
            driftsInTime += other.driftsInTime;
            driftMovedMax = Math.max(driftMovedMax, other.driftMovedMax);
            anomalies += other.anomalies;
            anomaliesMatched += other.anomaliesMatched;
            other.recallByFault.forEach((k, v) -> {
                long[] mine = recallByFault.computeIfAbsent(k, x -> new long[2]);
                mine[0] += v[0];
                mine[1] += v[1];
            });
            addAll(sensorZpBySystem, other.sensorZpBySystem);
            addAll(forecastBySystem, other.forecastBySystem);
            sensorHours += other.sensorHours;
            alarms += other.alarms;
        }

        private static void addAll(Map<String, double[]> into, Map<String, double[]> from) {
            from.forEach((k, v) -> {
                double[] mine = into.computeIfAbsent(k, x -> new double[v.length]);
                for (int i = 0; i < v.length; i++) {
                    mine[i] += v[i];
                }
            });
        }

        /**
         * The fleet's live quality, with the keys the live-quality benchmark reads; null where not measurable
         * yet. forecast_skill_vs_physics stays null: the model API returns the physics-only trajectory x_P over
         * the window only, not over the forecast horizon.
         */
        public Map<String, Object> quality() {
            Map<String, Object> q = new LinkedHashMap<>();
            Map<String, Object> zp = new LinkedHashMap<>();
            double scored = 0;
            double covered = 0;
            for (SystemKind system : SystemKind.values()) {
                double[] v = sensorZpBySystem.get(system.name());
                zp.put(system.name(), v == null || v[0] == 0 ? null : v[1] / v[0]);
                if (v != null) {
                    scored += v[0];
                    covered += v[2];
                }
            }
            q.put("zp_rel_err", zp);
            q.put("zp_coverage_95", scored == 0 ? null : covered / scored);
            q.put("precision", anomalies == 0 ? null : (double) anomaliesMatched / anomalies);
            q.put("recall", faults == 0 ? null : (double) faultsDetected / faults);
            q.put("detection_delay_ms", delaysScored == 0 ? null : detectionDelayMs / delaysScored);
            q.put("drift_detection_delay_ms", driftsDetected == 0 ? null : driftDetectionDelayMs / driftsDetected);
            q.put("drifts_flagged_in_time", drifts == 0 ? null : (double) driftsInTime / drifts);
            q.put("drift_moved_at_detection", driftMovedMax < 0 ? null : driftMovedMax);
            Map<String, Object> byKind = new LinkedHashMap<>();
            recallByFault.forEach((k, v) -> byKind.put(k, v[0] == 0 ? null : (double) v[1] / v[0]));
            q.put("recall_by_fault", byKind);
            q.put("alarms_per_sensor_hour", sensorHours == 0 ? null : alarms / sensorHours);
            Map<String, Object> skill = new LinkedHashMap<>();
            Map<String, Object> skillVsPhysics = new LinkedHashMap<>();
            double actuals = 0;
            double inBand = 0;
            for (SystemKind system : SystemKind.values()) {
                double[] v = forecastBySystem.get(system.name());
                skill.put(system.name(), v == null || v[2] == 0 ? null : 1 - v[1] / v[2]);
                skillVsPhysics.put(system.name(), null);
                if (v != null) {
                    actuals += v[0];
                    inBand += v[3];
                }
            }
            q.put("forecast_skill", skill);
            q.put("forecast_skill_vs_physics", skillVsPhysics);
            q.put("band_coverage_95", actuals == 0 ? null : inBand / actuals);
            return q;
        }

        /** The JSON view: rates are null where nothing was there to score. */
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("zpEstimatesScored", zpEstimates);
            m.put("zpRmse", zpEstimates == 0 ? null : Math.sqrt(zpSquaredError / zpEstimates));
            m.put("zpMeanRelativeError", zpEstimates == 0 ? null : zpRelativeError / zpEstimates);
            m.put("faults", faults);
            m.put("faultsDetected", faultsDetected);
            m.put("recall", faults == 0 ? null : (double) faultsDetected / faults);
            m.put("anomalies", anomalies);
            m.put("precision", anomalies == 0 ? null : (double) anomaliesMatched / anomalies);
            m.put("meanDetectionDelayMs", delaysScored == 0 ? null : detectionDelayMs / delaysScored);
            m.put("meanDriftDetectionDelayMs", driftsDetected == 0 ? null : driftDetectionDelayMs / driftsDetected);
            Map<String, Object> byFault = new LinkedHashMap<>();
            recallByFault.forEach((k, v) -> byFault.put(k, Map.of("faults", v[0], "detected", v[1])));
            m.put("recallByFault", byFault);
            return m;
        }
    }

    private LiveScore() {
    }

    /** Sensor-level estimates are scored only after a sensor's first minute (its first estimates are few). */
    static final long FIRST_MINUTE_MS = 60_000;

    /**
     * Scores one sensor with what its state adds: the sensor-level physics against the truth (after its first
     * minute), the live forecast score, and its alarms per hour of readings. Any store value may be null.
     */
    public static Totals score(SensorState state, TruthLog truth, ZpHistory zp, AnomalyHistory anomalies,
                               long slackSamples, long onsetSamples, long sampleIntervalMs) {
        Totals t = score(truth, zp, anomalies, slackSamples, onsetSamples, sampleIntervalMs);
        ForecastScore f = state.score();
        if (f.scored() > 0) {
            t.forecastBySystem.put(state.system.name(), new double[]{f.scored(), f.squaredError(),
                    f.persistenceSquaredError(), f.inBand()});
        }
        t.sensorHours = state.readings() * (double) sampleIntervalMs / 3_600_000.0;
        t.alarms = anomalies == null ? 0 : anomalies.countsByKind.values().stream().mapToLong(Long::longValue).sum();
        if (truth != null && zp != null) {
            double[] v = new double[3];
            for (ZpHistory.Point p : zp.points) {
                TruthLog.Range range = truth.physicsAt(p.sequence());
                if (range == null || p.sensorMean().length != p.names().size()
                        || p.sequence() * sampleIntervalMs < FIRST_MINUTE_MS) {
                    continue;
                }
                for (int j = 0; j < p.names().size(); j++) {
                    Double trueValue = range.physics().get(p.names().get(j));
                    if (trueValue == null) {
                        continue;
                    }
                    v[0]++;
                    v[1] += Math.abs(p.sensorMean()[j] - trueValue) / Math.max(Math.abs(trueValue), 1e-12);
                    v[2] += p.sensorLower()[j] <= trueValue && trueValue <= p.sensorUpper()[j] ? 1 : 0;
                }
            }
            if (v[0] > 0) {
                t.sensorZpBySystem.put(state.system.name(), v);
            }
        }
        return t;
    }

    /** Scores one sensor. Any argument may be null (nothing of that kind kept yet). */
    public static Totals score(TruthLog truth, ZpHistory zp, AnomalyHistory anomalies, long slackSamples,
                               long onsetSamples, long sampleIntervalMs) {
        Totals t = new Totals();
        if (truth == null) {
            return t;
        }
        if (zp != null) {
            for (ZpHistory.Point p : zp.points) {
                TruthLog.Range range = truth.physicsAt(p.sequence());
                if (range == null) {
                    continue;
                }
                for (int j = 0; j < p.names().size(); j++) {
                    Double trueValue = range.physics().get(p.names().get(j));
                    if (trueValue == null) {
                        continue;
                    }
                    double error = p.mean()[j] - trueValue;
                    t.zpEstimates++;
                    t.zpSquaredError += error * error;
                    t.zpRelativeError += Math.abs(error) / Math.max(Math.abs(trueValue), 1e-12);
                }
            }
        }
        List<Anomaly> flags = anomalies == null ? List.of() : anomalies.anomalies;
        List<FaultEpisodes.Episode> faults = FaultEpisodes.of(truth, slackSamples, onsetSamples);
        for (FaultEpisodes.Episode fault : faults) {
            t.faults++;
            t.drifts += fault.kind() == FaultKind.PARAMETER_DRIFT ? 1 : 0;
            long[] byKind = t.recallByFault.computeIfAbsent(fault.kind().name(), k -> new long[2]);
            byKind[0]++;
            Anomaly first = null;
            for (Anomaly a : flags) {
                if (FaultEpisodes.matches(a, fault) && (first == null || a.getToSequence() < first.getToSequence())) {
                    first = a;
                }
            }
            if (first != null) {
                t.faultsDetected++;
                byKind[1]++;
                double delay = Math.max(0, first.getToSequence() - fault.fromSequence()) * (double) sampleIntervalMs;
                if (fault.kind() == FaultKind.PARAMETER_DRIFT) {
                    t.driftsDetected++;
                    t.driftDetectionDelayMs += delay;
                    Double moved = FaultEpisodes.movedAt(truth, fault.fromSequence(), first.getToSequence());
                    if (moved != null) {
                        t.driftMovedMax = Math.max(t.driftMovedMax, moved);
                        t.driftsInTime += moved < FaultEpisodes.DRIFT_IN_TIME ? 1 : 0;
                    }
                } else {
                    t.delaysScored++;
                    t.detectionDelayMs += delay;
                }
            }
        }
        for (Anomaly a : flags) {
            t.anomalies++;
            if (faults.stream().anyMatch(f -> FaultEpisodes.matches(a, f))) {
                t.anomaliesMatched++;
            }
        }
        return t;
    }
}
