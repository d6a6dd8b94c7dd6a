package io.hybridcast.streams.scoring;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.FaultKind;
import io.hybridcast.streams.topology.AnomalyHistory;
import io.hybridcast.streams.topology.TruthLog;
import io.hybridcast.streams.topology.ZpHistory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live scoring against the simulator's ground truth (topic sensor-truth): how far the z_p estimates are from
 * the true physics, and how the anomaly flags match the injected faults (precision, recall, detection
 * delay). Computed on demand from the kept histories, so it covers the recent past those stores hold.
 *
 * <p>A fault is an episode: the truth ranges of one fault kind that follow each other without a gap are one
 * fault (a drift is re-published every few samples with its current value; counting each record would make
 * one drift two dozen faults). Matching rule: an anomaly matches a fault when its sequence range overlaps the
 * fault's range extended by {@code slackSamples} (detections that need a window of evidence come after the
 * fault starts). A fault still in force with no end (a parameter step "for good") is matched only within
 * {@code onsetSamples} of its newest truth record: after that it is the sensor's new normal, and a later flag
 * is not its detection.
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

    /** One injected fault as a whole; {@code matchTo} is the last sequence a detection may start at. */
    record Episode(FaultKind kind, long fromSequence, long matchTo) {
    }

    /** The fault episodes of a sensor's truth log, in sequence order. */
    static List<Episode> episodes(TruthLog truth, long slackSamples, long onsetSamples) {
        List<TruthLog.Range> ranges = new ArrayList<>(truth.ranges);
        ranges.sort(Comparator.comparingLong(TruthLog.Range::fromSequence));
        List<Episode> episodes = new ArrayList<>();
        FaultKind kind = null;
        long from = 0;
        long to = 0;        // effective end of the episode so far; Long.MAX_VALUE while still in force
        long newest = 0;    // start of its newest truth record
        for (int i = 0; i <= ranges.size(); i++) {
            TruthLog.Range r = i < ranges.size() ? ranges.get(i) : null;
            boolean continues = r != null && kind != null && r.fault() == kind
                    && (to == Long.MAX_VALUE || r.fromSequence() <= to + 1);
            if (kind != null && !continues) {
                // an open range ends where the next truth record (of any kind) takes over
                long end = to == Long.MAX_VALUE && r != null ? r.fromSequence() - 1 : to;
                episodes.add(new Episode(kind, from, end == Long.MAX_VALUE ? newest + onsetSamples
                        : end + slackSamples));
                kind = null;
            }
            if (r == null || r.fault() == null) {
                continue;
            }
            if (kind == null) {
                kind = r.fault();
                from = r.fromSequence();
                to = r.toSequence();
            } else {
                to = r.toSequence() == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(to, r.toSequence());
            }
            newest = r.fromSequence();
        }
        return episodes;
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
        List<Episode> faults = episodes(truth, slackSamples, onsetSamples);
        for (Episode fault : faults) {
            t.faults++;
            long[] byKind = t.recallByFault.computeIfAbsent(fault.kind().name(), k -> new long[2]);
            byKind[0]++;
            Anomaly first = null;
            for (Anomaly a : flags) {
                if (matches(a, fault) && (first == null || a.getToSequence() < first.getToSequence())) {
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
            if (faults.stream().anyMatch(f -> matches(a, f))) {
                t.anomaliesMatched++;
            }
        }
        return t;
    }

    static boolean matches(Anomaly a, Episode fault) {
        return a.getFromSequence() <= fault.matchTo() && a.getToSequence() >= fault.fromSequence();
    }
}
