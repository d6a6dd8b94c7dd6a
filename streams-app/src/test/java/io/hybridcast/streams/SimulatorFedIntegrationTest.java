package io.hybridcast.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.hybridcast.avro.Anomaly;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;
import io.hybridcast.streams.config.StreamsSettings;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.StreamsServiceIntegrationTest.awaitJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's live fleet, with injected sensor faults and their ground truth, feeds the service on a
 * real broker: every injected fault is flagged on the right sensor, and the live score (against
 * sensor-truth) says so.
 */
class SimulatorFedIntegrationTest {

    @Test
    void injectedSensorFaultsAreFlaggedAndScored(@TempDir Path stateDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            try (Admin admin = broker.createAdmin()) {
                Topics.createAll(admin, 1);
            }
            StreamsSettings settings = StreamsSettings.fromMap(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(), "application.id", "sim-fed-it",
                    "state.dir", stateDir.toString(), "http.port", "0"), "test");
            Scenario faults = Scenario.parse("""
                    {"faults": [
                      {"sensor": "pendulum-0", "kind": "SPIKE", "atSequence": 200, "magnitude": 4.0},
                      {"sensor": "pendulum-1", "kind": "STUCK", "atSequence": 150, "durationSamples": 40},
                      {"sensor": "pendulum-2", "kind": "DROPOUT", "atSequence": 250, "durationSamples": 10}
                    ]}""", "test scenario");
            try (StreamsService service = StreamsService.start(settings, (header, payload) -> {
                throw new IllegalStateException("no model in this test");
            }); FleetSimulator fleet = FleetSimulator.builder().pendulums(4).seed(11).scenario(faults)
                    .rate(Rate.AS_FAST_AS_POSSIBLE).maxRecords(4 * 400).startEventTime(Instant.now().minusSeconds(600))
                    .bootstrapServers(broker.bootstrapServers()).createTopics(false).build()) {
                fleet.start();
                assertThat(fleet.awaitCompletion(Duration.ofSeconds(60))).isTrue();
                assertThat(fleet.failure()).isNull();

                String base = "http://127.0.0.1:" + service.httpPort();
                awaitJson(base + "/api/sensors", n -> n.size() == 4
                        && StreamsServiceIntegrationTest.count(n, s -> s.get("readings").asLong() >= 390) == 4);
                JsonNode score = awaitJson(base + "/api/fleet", n -> n.get("score").get("faults").asInt() == 3)
                        .get("score");
                assertThat(score.get("faultsDetected").asInt()).isEqualTo(3);
                assertThat(score.get("recall").asDouble()).isEqualTo(1.0);

                List<Anomaly> anomalies = StreamsServiceIntegrationTest.readUntilFrom(broker, Topics.ANOMALIES,
                        l -> l.size() >= 3, Duration.ofSeconds(10));
                assertThat(anomalies).anySatisfy(a -> {
                    assertThat(a.getSensorId()).isEqualTo("pendulum-0");
                    assertThat(a.getDetail()).isEqualTo("spike");
                    assertThat(a.getFromSequence()).isEqualTo(200);
                });
                assertThat(anomalies).anySatisfy(a -> {
                    assertThat(a.getSensorId()).isEqualTo("pendulum-1");
                    assertThat(a.getDetail()).isEqualTo("stuck");
                    // a stuck sensor repeats its last good value (sequence 149) from 150 on
                    assertThat(a.getFromSequence()).isEqualTo(149L);
                });
                assertThat(anomalies).anySatisfy(a -> {
                    assertThat(a.getSensorId()).isEqualTo("pendulum-2");
                    assertThat(a.getDetail()).isEqualTo("dropout");
                    assertThat(a.getFromSequence()).isEqualTo(250);
                    assertThat(a.getToSequence()).isEqualTo(259);
                });
                // the healthy sensor raised nothing
                assertThat(anomalies).noneSatisfy(a -> assertThat(a.getSensorId()).isEqualTo("pendulum-3"));
                System.out.println("live score: " + score);
            }
        }
    }
}
