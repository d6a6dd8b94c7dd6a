package io.hybridcast.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures {@code first_model_s}: seconds from the stack's start until the first forecast is on the forecasts topic.
 * The streams app forecasts only with a model, so this is how long a user waits for a model to serve. Polls the
 * topic's end offsets a few times a second on a daemon thread until the first one appears.
 */
final class FirstForecastClock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FirstForecastClock.class);
    private static final long POLL_MILLIS = 250;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Admin admin;
    private final long startNanos;
    private final Thread thread;
    private volatile Double seconds;

    /**
     * @param startNanos {@link System#nanoTime()} at the stack's start
     */
    FirstForecastClock(Admin admin, long startNanos) {
        this.admin = admin;
        this.startNanos = startNanos;
        this.thread = new Thread(this::watch, "first-forecast-clock");
        this.thread.setDaemon(true);
    }

    FirstForecastClock start() {
        thread.start();
        return this;
    }

    /** Seconds from start to the first forecast, or null if none was seen yet. */
    Double seconds() {
        return seconds;
    }

    /**
     * The fleet summary JSON with {@code "first_model_s"} added (null when no forecast was served); a body that is not
     * a JSON object (an error page) is returned unchanged.
     */
    static String addTo(String summaryJson, Double seconds) {
        try {
            JsonNode summary = JSON.readTree(summaryJson);
            if (!(summary instanceof ObjectNode object)) {
                return summaryJson;
            }
            object.put("first_model_s", seconds);
            return JSON.writeValueAsString(object);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return summaryJson;
        }
    }

    private void watch() {
        String topic = Topics.FORECASTS.name();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                admin.describeTopics(java.util.List.of(topic)).topicNameValues().get(topic).get(5, TimeUnit.SECONDS)
                        .partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                long total = admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).values().stream()
                        .mapToLong(info -> info.offset()).sum();
                if (total > 0) {
                    seconds = (System.nanoTime() - startNanos) / 1e9;
                    LOG.info("First model forecast served {} s after start", String.format("%.1f", seconds));
                    return;
                }
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the topic is being created or the broker is busy: try again
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
