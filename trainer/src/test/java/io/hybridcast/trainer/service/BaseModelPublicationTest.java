package io.hybridcast.trainer.service;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.trainer.basemodel.BaseModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped base model is served within seconds of a trainer's start on an empty model topic, signed like every
 * version, and only when nothing is served yet.
 */
class BaseModelPublicationTest {

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static TrainerSettings settings(String key) {
        return TrainerSettings.builder().setBootstrapServers(broker.bootstrapServers()).setSystem(SystemKind.PENDULUM)
                .setHmacKey(key).optMaxReadingsPerPartition(100_000).optWindows(50, 20, 10).optEpochs(2, 8)
                .optSeed(11).build();
    }

    @Test
    void aStartedTrainerServesTheShippedBaseModelAtOnceAndOnlyOnce() throws Exception {
        byte[] shipped = BaseModels.shipped(SystemKind.PENDULUM).orElseThrow();
        long started = System.nanoTime();
        try (TrainerService trainer = new TrainerService(settings("secret"), ContinuationSettings.DEFAULTS,
                new SimpleMeterRegistry())) {
            trainer.start();
            ServedVersion served = awaitServed("secret", Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(served.version()).isEqualTo(1);
            assertThat(served.payload()).isEqualTo(shipped);
            assertThat(served.header().getParentVersion()).isNull();
            assertThat(served.header().getTrainingData()).contains("base model").contains(BaseModels.sha256(shipped));
            assertThat(served.header().getMetrics()).containsKey("population_zp_rel_err_sensor");
            assertThat(seconds).as("seconds from start to a served model").isLessThan(30);
        }
        // signed: a reader with another key does not accept it
        assertThat(ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM, "other",
                Duration.ofSeconds(30)).newest()).isEmpty();
        // a version is served now: a restarted trainer does not publish the base model again
        try (TrainerService again = new TrainerService(settings("secret"), ContinuationSettings.DEFAULTS,
                new SimpleMeterRegistry())) {
            TrainerService.Outcome outcome = again.publishBaseModel();
            assertThat(outcome.kind()).isEqualTo(TrainerService.Outcome.Kind.SKIPPED);
            assertThat(outcome.reason()).contains("served already");
        }
        assertThat(ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM, "secret",
                Duration.ofSeconds(30)).highestVersion()).isEqualTo(1);
    }

    private static ServedVersion awaitServed(String key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var newest = ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM, key,
                    Duration.ofSeconds(10)).newest();
            if (newest.isPresent()) {
                return newest.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no model served within " + timeout);
    }
}
