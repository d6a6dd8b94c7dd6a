package io.hybridcast.trainer.service;

import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * When to run (docs/trainer.md, "Schedule"): every {@code --interval}, or as soon as {@code --min-new-readings}
 * readings or {@code --min-new-anomalies} anomalies arrived since the last run (0 turns a trigger off). A
 * skipped run (not enough data yet) is retried after 10 s, so the first model comes as soon as the sensors
 * have produced enough; a failed run publishes nothing and waits for the next interval.
 */
final class TrainingSchedule implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSchedule.class);
    /** Retry delay of a skipped run. */
    static final long RETRY_SECONDS = 10;

    private final TrainerSettings settings;
    private final Supplier<TrainerService.Outcome> run;
    private final Supplier<TrainerService.Outcome> first;
    private volatile boolean running = true;

    /**
     * @param run   one training run
     * @param first run once before the schedule starts (publishing the base model), or null
     */
    TrainingSchedule(TrainerSettings settings, Supplier<TrainerService.Outcome> run,
                     Supplier<TrainerService.Outcome> first) {
        this.settings = settings;
        this.run = run;
        this.first = first;
    }

    /** Asks the loop to end after the current check or run. */
    void stop() {
        running = false;
    }

    @Override
    public void run() {
        long lastRun = 0;
        if (first != null) {
            try {
                TrainerService.Outcome outcome = first.get();
                LOG.info("Before the first run of {}: {} {}", settings.system(), outcome.kind(), outcome.reason());
                if (outcome.kind() == TrainerService.Outcome.Kind.PUBLISHED) {
                    // a good model is served now: the first training waits for the interval, not for 16 windows
                    lastRun = System.nanoTime();
                }
            } catch (RuntimeException e) {
                LOG.error("Publishing the base model of {} failed; training from the live data instead",
                        settings.system(), e);
            }
        }
        long readingsAtLastRun = -1;
        long anomaliesAtLastRun = -1;
        while (running) {
            try {
                long readings = endOffsetsSum(Topics.SENSOR_READINGS.name());
                long anomalies = endOffsetsSum(Topics.ANOMALIES.name());
                boolean intervalDue = System.nanoTime() - lastRun >= settings.interval().toNanos() || lastRun == 0;
                boolean readingsDue = settings.minNewReadings() > 0 && readingsAtLastRun >= 0
                        && readings - readingsAtLastRun >= settings.minNewReadings();
                // many anomalies since the last run: the world changed, the model should follow
                boolean anomaliesDue = settings.minNewAnomalies() > 0 && anomaliesAtLastRun >= 0
                        && anomalies - anomaliesAtLastRun >= settings.minNewAnomalies();
                if (intervalDue || readingsDue || anomaliesDue) {
                    if (anomaliesDue) {
                        LOG.info("{} anomalies since the last run of {}: retraining now", anomalies - anomaliesAtLastRun,
                                settings.system());
                    }
                    TrainerService.Outcome outcome = run.get();
                    if (outcome.kind() != TrainerService.Outcome.Kind.SKIPPED) {
                        lastRun = System.nanoTime();
                        readingsAtLastRun = readings;
                        anomaliesAtLastRun = anomalies;
                    } else {
                        // retry soon: the first model matters most
                        lastRun = System.nanoTime() - settings.interval().toNanos()
                                + TimeUnit.SECONDS.toNanos(RETRY_SECONDS);
                    }
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return; // interrupted by close(): a shutdown, not a failed run
                }
                // a failed run publishes nothing; the next one starts from a clean snapshot
                LOG.error("Training run for {} failed; nothing was published", settings.system(), e);
                lastRun = System.nanoTime();
            }
        }
    }

    private long endOffsetsSum(String topic) {
        try (Admin admin = Admin.create(settings.kafkaConfig().merge(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()), "trainer admin"))) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()),
                    OffsetSpec.latest()));
            return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(i -> i.offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading the end offsets of " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the end offsets of " + topic, e);
        }
    }
}
