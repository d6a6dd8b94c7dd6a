package io.hybridcast.trainer.service;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SystemKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trainer against a real broker fed by the simulator: it publishes versions that readers can verify.
 * The tests share one broker, so they run in a fixed order (the first one expects an empty model topic).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainerServiceIntegrationTest {

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void feed() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
        }
        try (FleetSimulator fleet = FleetSimulator.builder().bootstrapServers(broker.bootstrapServers())
                .pendulums(3).advectionDiffusion(0).doublePendulums(0).rate(Rate.AS_FAST_AS_POSSIBLE)
                .maxRecords(3 * 1200).seed(5).build().start()) {
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(60))).isTrue();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static TrainerSettings settings(String key) {
        return settings(key, 0);
    }

    static TrainerSettings settings(String key, long minNewAnomalies) {
        return TrainerSettings.builder().setBootstrapServers(broker.bootstrapServers()).setSystem(SystemKind.PENDULUM)
                .setHmacKey(key).optMinNewAnomalies(minNewAnomalies).optMaxReadingsPerPartition(100_000)
                .optWindows(50, 20, 25).optEpochs(2, 8).optSeed(11).build();
    }

    @Test
    @Order(1)
    void publishesAFirstVersionThenOnlyBetterOnes() throws Exception {
        try (TrainerService trainer = new TrainerService(settings("secret"))) {
            TrainerService.Outcome first = trainer.runOnce();
            assertThat(first.kind()).isEqualTo(TrainerService.Outcome.Kind.PUBLISHED);
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.candidate().windows()).isGreaterThan(0);

            // a committed transaction becomes visible to read_committed readers once its markers are written
            ServedVersion.Lookup lookup = awaitVersion(1);
            assertThat(lookup.newest()).isPresent();
            ServedVersion served = lookup.newest().get();
            assertThat(served.version()).isEqualTo(1);
            assertThat(served.header().getParentVersion()).isNull();
            assertThat(served.header().getMetrics()).containsKeys("mse_pred", "zp_spread");
            // the simulator published ground truth: the version reports how well it recovers ω (never trained on)
            assertThat(served.header().getMetrics()).containsKeys("truth_mse_zp", "truth_rel_err_zp_pct");
            assertThat(served.header().getMetrics().get("truth_mse_zp")).isFinite().isNotNegative();
            assertThat(served.header().getTrainingData()).startsWith(Topics.SENSOR_READINGS.name() + " offsets ");
            assertThat(ModelBundle.read(served.payload(), "PENDULUM").spec().windowLength()).isEqualTo(50);
            // a reader with another key does not accept it
            assertThat(ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM, "other",
                    Duration.ofSeconds(30)).newest()).isEmpty();

            TrainerService.Outcome second = trainer.runOnce();
            if (second.kind() == TrainerService.Outcome.Kind.PUBLISHED) {
                assertThat(second.version()).isEqualTo(2);
                assertThat(second.candidate().msePred()).isLessThan(second.served().msePred());
                assertThat(awaitVersion(2).newest().get().header().getParentVersion()).isEqualTo(1L);
            } else {
                assertThat(second.kind()).isEqualTo(TrainerService.Outcome.Kind.REJECTED);
                assertThat(second.reason()).isNotBlank();
                assertThat(ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM, "secret",
                        Duration.ofSeconds(30)).highestVersion()).isEqualTo(1);
            }
        }
    }

    private static ServedVersion.Lookup awaitVersion(long version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            ServedVersion.Lookup lookup = ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM,
                    "secret", Duration.ofSeconds(30));
            if (lookup.newest().map(ServedVersion::version).orElse(0L) >= version || System.nanoTime() > deadline) {
                return lookup;
            }
            Thread.sleep(200);
        }
    }

    @Test
    @Order(2)
    void aBurstOfAnomaliesTriggersARunBeforeTheInterval() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TrainerService trainer = new TrainerService(settings("secret", 3), meters)) {
            trainer.start(); // the first run starts at once
            awaitRuns(meters, 1, Duration.ofSeconds(60));
            try (KafkaProducer<String, Anomaly> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    Topics.ANOMALIES.keySerde().serializer(), Topics.ANOMALIES.valueSerde().serializer())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(Topics.ANOMALIES.name(), "pendulum-0", Anomaly.newBuilder()
                            .setSensorId("pendulum-0").setSystem(SystemKind.PENDULUM).setKind(AnomalyKind.PHYSICS_DRIFT)
                            .setScore(9).setThreshold(4).setFromSequence(i).setToSequence(i)
                            .setDetectedAt(java.time.Instant.now()).setExplanation("test").build()));
                }
            }
            // the interval is 5 minutes: only the anomalies can start a second run this soon
            awaitRuns(meters, 2, Duration.ofSeconds(60));
        }
    }

    private static void awaitRuns(SimpleMeterRegistry meters, long runs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = 0;
        while (System.nanoTime() < deadline) {
            count = meters.find("hybridcast.trainer.run").timers().stream().mapToLong(t -> t.count()).sum();
            if (count >= runs) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(count).as("training runs").isGreaterThanOrEqualTo(runs);
    }

    @Test
    void theWorseCandidateIsNotPublished() {
        PromotionRule rule = new PromotionRule(settings("secret"));
        CandidateScore served = new CandidateScore(0.010, 0.005, 0.30, 0.10, 40);
        assertThat(rule.rejection(new CandidateScore(0.012, 0.004, 0.20, 0.0, 40), served))
                .contains("prediction MSE");
        assertThat(rule.rejection(new CandidateScore(0.008, 0.004, 0.50, 0.0, 40), served))
                .contains("physics consistency");
        assertThat(rule.rejection(new CandidateScore(Double.NaN, 0.004, 0.20, 0.0, 40), served))
                .contains("NaN");
        // a physics head that collapsed to one value for every sensor has no relative spread at all
        assertThat(rule.rejection(new CandidateScore(0.008, 0.004, Double.POSITIVE_INFINITY, 0.0,
                40), served)).contains("physics consistency");
        assertThat(rule.rejection(new CandidateScore(0.008, 0.004, 0.20, 0.9, 40), served))
                .contains("stuck at its bounds");
        assertThat(rule.rejection(new CandidateScore(0.008, 0.004, 0.32, 0.2, 40), served)).isNull();
        assertThat(rule.rejection(new CandidateScore(0.5, 0.4, 0.5, 1.0, 40), null)).isNull();
    }
}
