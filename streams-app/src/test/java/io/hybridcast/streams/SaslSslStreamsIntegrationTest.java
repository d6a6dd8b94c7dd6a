package io.hybridcast.streams;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.kafka.embedded.SaslSslListener;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.SettingsException;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopicIo;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.hybridcast.streams.StreamsServiceIntegrationTest.awaitJson;
import static io.hybridcast.streams.StreamsServiceIntegrationTest.get;
import static io.hybridcast.streams.StreamsServiceIntegrationTest.publishInTwoChunks;
import static io.hybridcast.streams.StreamsServiceIntegrationTest.readUntilFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The streams app against a broker's SASL_SSL listener: with the Kafka client properties file ({@code kafka.config})
 * the model watcher loads a version and Kafka Streams turns readings into forecasts under exactly-once; without it
 * the app never gets going. Test records are written and read through the broker's plaintext listener.
 */
class SaslSslStreamsIntegrationTest {

    @TempDir
    static Path dir;
    static SaslSslListener tls;
    static EmbeddedKafkaBroker broker;
    static Path clientConfig;

    @BeforeAll
    static void start() {
        tls = SaslSslListener.generate(dir.resolve("tls"));
        broker = EmbeddedKafkaBroker.builder().saslSsl(tls).start();
        clientConfig = tls.writeClientConfig(dir.resolve("client.properties"));
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static StreamsSettings settings(Path stateDir, String kafkaConfig) {
        Map<String, String> values = new HashMap<>(Map.of(
                "bootstrap.servers", broker.saslSslBootstrapServers(),
                "application.id", "streams-sasl-" + System.nanoTime(),
                "state.dir", stateDir.toString(), "http.port", "0", "model.hmac.key", "shared-key",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10"));
        values.put("kafka.config", kafkaConfig);
        values.put("forecast.phase", "aligned"); // the test counts hops from sample 0
        return StreamsSettings.fromMap(values, "test");
    }

    @Test
    void withTheFileModelsLoadAndReadingsBecomeForecasts(@TempDir Path stateDir) throws Exception {
        try (StreamsService service = StreamsService.start(settings(stateDir, clientConfig.toString()),
                new BundleModelLoader());
             KafkaProducer<byte[], byte[]> producer = TopicIo.producer(broker.bootstrapServers())) {
            String base = "http://127.0.0.1:" + service.httpPort();
            publishInTwoChunks(producer, TinyModels.pendulumVersion(10, "shared-key"), "shared-key");
            awaitJson(base + "/api/models", n -> n.get("PENDULUM").get("version").asLong() == 10);
            Instant start = Instant.now().minusSeconds(60);
            for (long s = 0; s < 45; s++) {
                for (String sensor : List.of("m1", "m2")) {
                    SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
                    r.setEventTime(start.plusMillis(50 * s));
                    TopicIo.send(producer, Topics.SENSOR_READINGS, sensor, r);
                }
            }
            List<Forecast> forecasts = readUntilFrom(broker, Topics.FORECASTS, l -> l.size() >= 4,
                    Duration.ofSeconds(60));
            assertThat(forecasts).hasSize(4).allSatisfy(f -> assertThat(f.getModelVersion()).isEqualTo(10));
            assertThat(get(base + "/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutTheFileTheAppNeverGetsGoing(@TempDir Path stateDir) throws Exception {
        try (StreamsService service = StreamsService.start(settings(stateDir, ""), new BundleModelLoader())) {
            String base = "http://127.0.0.1:" + service.httpPort();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                assertThat(get(base + "/ready").statusCode()).isNotEqualTo(200);
                assertThat(service.streams().state()).isNotEqualTo(KafkaStreams.State.RUNNING);
                Thread.sleep(500);
            }
        }
    }

    @Test
    void everyKafkaStreamsClientGetsTheFileAndTheAppKeepsItsOwnKeys(@TempDir Path stateDir) {
        Properties p = StreamsService.streamsProperties(settings(stateDir, clientConfig.toString()), 8080);
        assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", tls.truststore().toAbsolutePath().toString())
                .containsEntry("bootstrap.servers", broker.saslSslBootstrapServers())
                .containsEntry("processing.guarantee", "exactly_once_v2");
        assertThat(StreamsService.streamsProperties(settings(stateDir, ""), 8080)).doesNotContainKey("security.protocol");
    }

    @Test
    void aBadFileFailsAtStartNamingTheSettingTheFileAndTheProblem(@TempDir Path stateDir) {
        Path typo = SaslSslListener.writeClientConfig(dir.resolve("typo.properties"),
                Map.of("security.protocol", "SASL_SSL", "sasl.mechansim", "PLAIN"));
        assertThatThrownBy(() -> settings(stateDir, typo.toString())).isInstanceOf(SettingsException.class)
                .hasMessageContaining("kafka.config").hasMessageContaining(typo.toString())
                .hasMessageContaining("sasl.mechansim");
    }
}
