package io.hybridcast.streams.scoring;

import io.hybridcast.avro.Anomaly;
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
 * <p>Matching rule: an anomaly matches a fault when its sequence range overlaps the fault's range extended
 * by {@code slackSamples} (detections that need a window of evidence come after the fault starts).
 */
public final class LiveScore {

    /** Counts that add up across sensors. */
    public static final class Totals {
        public long zpEstimates;
        public double zpSquaredError;
        public double zpRelativeError;
        public long faults;
        public long faultsDetected;
        public double detectionDelayMs;
        public long anomalies;
        public long anomaliesMatched;
        public final Map<String, long[]> recallByFault = new TreeMap<>();

        public void add(Totals other) {
            zpEstimates += other.zpEstimates;
            zpSquaredError += other.zpSquaredError;
            zpRelativeError += other.zpRelativeError;
            faults += other.faults;
            faultsDetected += other.faultsDetected;
            detectionDelayMs += other.detectionDelayMs;
            anomalies += other.anomalies;
            anomaliesMatched += other.anomaliesMatched;
            other.recallByFault.forEach((k, v) -> {
                long[] mine = recallByFault.computeIfAbsent(k, x -> new long[2]);
                mine[0] += v[0];
                mine[1] += v[1];
            });
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
            m.put("meanDetectionDelayMs", faultsDetected == 0 ? null
                    : detectionDelayMs / faultsDetected);
            Map<String, Object> byFault = new LinkedHashMap<>();
            recallByFault.forEach((k, v) -> byFault.put(k, Map.of("faults", v[0], "detected", v[1])));
            m.put("recallByFault", byFault);
            return m;
        }
    }

    private LiveScore() {
    }

    /** Scores one sensor. Any argument may be null (nothing of that kind kept yet). */
    public static Totals score(TruthLog truth, ZpHistory zp, AnomalyHistory anomalies, long slackSamples,
                               long sampleIntervalMs) {
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
        List<TruthLog.Range> faults = truth.ranges.stream().filter(r -> r.fault() != null).toList();
        for (TruthLog.Range fault : faults) {
            t.faults++;
            long[] byKind = t.recallByFault.computeIfAbsent(fault.fault().name(), k -> new long[2]);
            byKind[0]++;
            Anomaly first = null;
            for (Anomaly a : flags) {
                if (matches(a, fault, slackSamples) && (first == null || a.getToSequence() < first.getToSequence())) {
                    first = a;
                }
            }
            if (first != null) {
                t.faultsDetected++;
                byKind[1]++;
                t.detectionDelayMs += Math.max(0, first.getToSequence() - fault.fromSequence()) * (double) sampleIntervalMs;
            }
        }
        for (Anomaly a : flags) {
            t.anomalies++;
            if (faults.stream().anyMatch(f -> matches(a, f, slackSamples))) {
                t.anomaliesMatched++;
            }
        }
        return t;
    }

    static boolean matches(Anomaly a, TruthLog.Range fault, long slack) {
        long faultEnd = fault.toSequence() == Long.MAX_VALUE ? Long.MAX_VALUE : fault.toSequence() + slack;
        return a.getFromSequence() <= faultEnd && a.getToSequence() >= fault.fromSequence();
    }
}
