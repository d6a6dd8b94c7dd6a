package io.hybridcast.streams.scoring;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.streams.topology.AnomalyHistory;
import io.hybridcast.streams.topology.TruthLog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sensor's confusion table, alarm by alarm, by the rule of {@link FaultEpisodes}: every fault episode with
 * the alarm that detected it first (or none), and every kept alarm with the episodes it matched (none: a false
 * alarm). Scoring only: what /api/sensors/{id}/score adds to the counts so a run can be read alarm by alarm.
 */
public final class AlarmTable {

    private AlarmTable() {
    }

    /** {"episodes": [...], "alarms": [...]}; empty lists where the truth or the alarms are missing. */
    public static Map<String, Object> of(TruthLog truth, AnomalyHistory anomalies, long slackSamples,
                                         long onsetSamples, long sampleIntervalMs) {
        List<FaultEpisodes.Episode> episodes = truth == null ? List.of()
                : FaultEpisodes.of(truth, slackSamples, onsetSamples);
        List<Anomaly> alarms = anomalies == null ? List.of() : anomalies.anomalies;
        List<Map<String, Object>> episodeRows = new ArrayList<>();
        for (FaultEpisodes.Episode e : episodes) {
            Anomaly first = null;
            for (Anomaly a : alarms) {
                if (FaultEpisodes.matches(a, e) && (first == null || a.getToSequence() < first.getToSequence())) {
                    first = a;
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("fault", e.kind().name());
            row.put("fromSequence", e.fromSequence());
            row.put("matchTo", e.matchTo());
            row.put("detectedBy", first == null ? null : label(first));
            row.put("delayMs", first == null ? null
                    : Math.max(0, first.getToSequence() - e.fromSequence()) * sampleIntervalMs);
            if (first != null && e.kind() == io.hybridcast.avro.FaultKind.PARAMETER_DRIFT) {
                row.put("movedAtDetection", FaultEpisodes.movedAt(truth, e.fromSequence(), first.getToSequence()));
            }
            episodeRows.add(row);
        }
        List<Map<String, Object>> alarmRows = new ArrayList<>();
        for (Anomaly a : alarms) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("alarm", label(a));
            List<String> matched = new ArrayList<>();
            for (FaultEpisodes.Episode e : episodes) {
                if (FaultEpisodes.matches(a, e)) {
                    matched.add(e.kind().name() + "@" + e.fromSequence());
                }
            }
            row.put("matched", matched);
            row.put("explanation", a.getExplanation());
            alarmRows.add(row);
        }
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("episodes", episodeRows);
        table.put("alarms", alarmRows);
        return table;
    }

    /** KIND/detail@from-to, e.g. PHYSICS_DRIFT/omega@1340-1349. */
    static String label(Anomaly a) {
        return a.getKind().name() + (a.getDetail() == null ? "" : "/" + a.getDetail()) + "@" + a.getFromSequence()
                + "-" + a.getToSequence();
    }
}
