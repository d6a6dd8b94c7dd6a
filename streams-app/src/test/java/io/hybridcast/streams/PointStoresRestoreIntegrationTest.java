package io.hybridcast.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopicIo;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.StreamsServiceIntegrationTest.awaitJson;
import static io.hybridcast.streams.StreamsServiceIntegrationTest.publishInTwoChunks;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-point stores through the real service: the HTTP API reads a sensor's z_p history and pending forecasts
 * by range scans over two partitions' stores, and a second instance with an empty state directory, restoring
 * from the changelogs alone, answers with the same history and the same pending forecasts.
 */
class PointStoresRestoreIntegrationTest {

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void theHistoryAndPendingForecastsComeBackFromTheChangelogs(@TempDir Path first, @TempDir Path second)
            throws Exception {
        Map<String, String> common = Map.of("bootstrap.servers", broker.bootstrapServers(),
                "application.id", "point-stores-" + System.nanoTime(), "http.port", "0",
                "model.hmac.key", "shared-key", "api.history.size", "3",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10");
        // (forecast.phase aligned below: the test counts hops from sample 0)
        // ids that are prefixes of each other, on whichever partitions they hash to
        List<String> sensors = List.of("z", "z1", "z-1");
        Instant start = Instant.now().minusSeconds(60);
        JsonNode[] zp = new JsonNode[sensors.size()];
        JsonNode[] series = new JsonNode[sensors.size()];
        try (KafkaProducer<byte[], byte[]> producer = TopicIo.producer(broker.bootstrapServers())) {
            try (StreamsService service = StreamsService.start(StreamsSettings.fromMap(common, "test")
                    .with(Map.of("state.dir", first.toString(), "forecast.phase", "aligned")),
                    new BundleModelLoader())) {
                String base = "http://127.0.0.1:" + service.httpPort();
                publishInTwoChunks(producer, TinyModels.pendulumVersion(10, "shared-key"), "shared-key");
                awaitJson(base + "/api/models", n -> n.get("PENDULUM").get("version").asLong() == 10);
                for (long s = 0; s < 65; s++) {
                    for (String sensor : sensors) {
                        SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
                        r.setEventTime(start.plusMillis(50 * s));
                        TopicIo.send(producer, Topics.SENSOR_READINGS, sensor, r);
                    }
                }
                for (int i = 0; i < sensors.size(); i++) {
                    String sensor = sensors.get(i);
                    // forecasts at 39, 44, ..., 64: the newest three points stay, the older left with tombstones
                    zp[i] = awaitJson(base + "/api/sensors/" + sensor + "/zp", n -> n.size() == 3
                            && n.get(2).get("sequence").asLong() == 64);
                    assertThat(zp[i].findValues("sequence")).extracting(JsonNode::asLong).containsExactly(54L, 59L, 64L);
                    // forecasts still covering the future: those from 59 (steps 60-69) and 64 (65-74)
                    series[i] = awaitJson(base + "/api/sensors/" + sensor + "/series",
                            n -> n.get("forecasts").size() == 2);
                    assertThat(series[i].get("forecasts").findValues("firstSequence")).extracting(JsonNode::asLong)
                            .containsExactly(60L, 65L);
                }
            }
            try (StreamsService service = StreamsService.start(StreamsSettings.fromMap(common, "test")
                    .with(Map.of("state.dir", second.toString(), "forecast.phase", "aligned")),
                    new BundleModelLoader())) {
                String base = "http://127.0.0.1:" + service.httpPort();
                for (int i = 0; i < sensors.size(); i++) {
                    String sensor = sensors.get(i);
                    JsonNode restored = awaitJson(base + "/api/sensors/" + sensor + "/zp", n -> n.size() == 3);
                    assertThat(restored).as(sensor).isEqualTo(zp[i]);
                    JsonNode restoredSeries = awaitJson(base + "/api/sensors/" + sensor + "/series",
                            n -> n.get("forecasts").size() == 2);
                    assertThat(restoredSeries.get("forecasts")).as(sensor).isEqualTo(series[i].get("forecasts"));
                }
            }
        }
    }
}
