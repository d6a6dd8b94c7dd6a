package io.hybridcast.streams.anomaly;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SystemKind;

import java.time.Instant;

/** Builds {@link Anomaly} records. */
public final class Anomalies {

    private Anomalies() {
    }

    public static Anomaly of(String sensorId, SystemKind system, AnomalyKind kind, String detail, double score,
                             double threshold, long fromSequence, long toSequence, long detectedAtMs,
                             Long modelVersion, String explanation) {
        return Anomaly.newBuilder()
                .setSensorId(sensorId)
                .setSystem(system)
                .setKind(kind)
                .setDetail(detail)
                .setScore(score)
                .setThreshold(threshold)
                .setFromSequence(fromSequence)
                .setToSequence(toSequence)
                .setDetectedAt(Instant.ofEpochMilli(detectedAtMs))
                .setModelVersion(modelVersion)
                .setExplanation(explanation)
                .build();
    }
}
