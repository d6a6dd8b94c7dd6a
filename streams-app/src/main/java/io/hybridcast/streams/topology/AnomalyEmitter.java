package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.streams.AppMetrics;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends the checks' anomalies to the anomalies topic, the metrics and the sensor's anomaly history. */
final class AnomalyEmitter {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyEmitter.class);

    private final ProcessorContext<Object, Object> context;
    private final AppMetrics metrics;
    private final WriteBehindStore<AnomalyHistory> histories;
    private final int historySize;

    AnomalyEmitter(ProcessorContext<Object, Object> context, AppMetrics metrics,
                   WriteBehindStore<AnomalyHistory> histories, int historySize) {
        this.context = context;
        this.metrics = metrics;
        this.histories = histories;
        this.historySize = historySize;
    }

    void emit(Anomaly anomaly, long time) {
        context.forward(new Record<>(anomaly.getSensorId(), anomaly, time), TopologyFactory.ANOMALIES_SINK);
        metrics.anomaly(anomaly.getKind().name(), anomaly.getDetail());
        AnomalyHistory history = histories.read(anomaly.getSensorId());
        if (history == null) {
            history = new AnomalyHistory();
        }
        history.add(anomaly, historySize);
        histories.write(anomaly.getSensorId(), history);
        LOG.debug("Anomaly on {}: {}", anomaly.getSensorId(), anomaly.getExplanation());
    }
}
