package io.hybridcast.local;

import io.hybridcast.schemas.Topic;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the end offsets of every hybridcast topic (records ever written, summed over partitions) and turns
 * two successive snapshots into rates, for the local stack's periodic one-line status.
 */
final class TopicStatus {

    private final Admin admin;
    private Map<String, Long> previous = Map.of();
    private long previousNanos;

    TopicStatus(Admin admin) {
        this.admin = admin;
    }

    /** End offset per topic, summed over partitions; topics that do not exist yet are left out. */
    Map<String, Long> endOffsets() throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Long> totals = new LinkedHashMap<>();
        var names = Topics.all().stream().map(Topic::name).toList();
        var descriptions = admin.describeTopics(names).topicNameValues();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (String name : names) {
            try {
                descriptions.get(name).get(10, TimeUnit.SECONDS).partitions()
                        .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
            } catch (ExecutionException e) {
                // not created yet: nothing to count
            }
        }
        var offsets = admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
        for (String name : names) {
            offsets.forEach((tp, info) -> {
                if (tp.topic().equals(name)) {
                    totals.merge(name, info.offset(), Long::sum);
                }
            });
        }
        return totals;
    }

    /** One status line: per topic the total records and the rate since the previous call. */
    String line() throws InterruptedException, ExecutionException, TimeoutException {
        long now = System.nanoTime();
        Map<String, Long> current = endOffsets();
        double seconds = previousNanos == 0 ? 0 : (now - previousNanos) / 1e9;
        StringBuilder line = new StringBuilder();
        current.forEach((topic, total) -> {
            if (line.length() > 0) {
                line.append("  ");
            }
            line.append(topic).append('=').append(total);
            Long before = previous.get(topic);
            if (seconds > 0 && before != null) {
                line.append(String.format(" (%.0f/s)", (total - before) / seconds));
            }
        });
        previous = current;
        previousNanos = now;
        return line.toString();
    }
}
