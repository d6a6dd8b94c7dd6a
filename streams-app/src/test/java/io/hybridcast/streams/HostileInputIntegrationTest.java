package io.hybridcast.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.errors.StreamThreadHealth;
import io.hybridcast.streams.errors.UnproducibleRecordHandler;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TopicIo;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.topology.TopologyFactory;
import io.hybridcast.streams.validation.DeadLetters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oversized records on a real broker, where Kafka's 1 MiB message limit is real: the record that used to stop a
 * partition for good (its dead letter was too large to produce, the thread failed and was replaced on the same
 * offset again and again) is now a dead letter, the readings after it are processed, and /health stays UP.
 */
class HostileInputIntegrationTest {

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 1);
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void anOversizedKeyAndValueBecomeOneDeadLetterThatFitsAndTheServiceStaysUp(@TempDir Path stateDir)
            throws Exception {
        StreamsSettings settings = settings("hostile-it-" + System.nanoTime(), stateDir);
        try (StreamsService service = StreamsService.start(settings, (header, payload) -> {
            throw new IllegalStateException("no model in this test");
        }); KafkaProducer<byte[], byte[]> producer = producer(1024 * 1024)) {
            // 350 KB key + 600 KB value: fits the broker; a dead letter quoting both (and the key as its key) does not
            byte[] key = "k".repeat(350 * 1024).getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[600 * 1024];
            Arrays.fill(value, (byte) 7);
            producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS.name(), key, value)).get();
            TopicIo.send(producer, Topics.SENSOR_READINGS, "p8",
                    TopologyFixture.reading("p8", SystemKind.PENDULUM, 0, Double.NaN));

            // (the dead-letter topic is shared with the other test: keep this one's letters)
            List<DeadLetter> letters = StreamsServiceIntegrationTest.readUntilFrom(broker, Topics.DEAD_LETTERS,
                    l -> mine(l).size() >= 2, Duration.ofSeconds(60));
            letters = mine(letters);
            assertThat(letters).extracting(DeadLetter::getStage).containsExactly("decode", "validate");
            assertThat(letters.get(0).getKey().remaining()).isEqualTo(DeadLetters.MAX_KEY_BYTES);
            assertThat(letters.get(0).getValue().remaining()).isEqualTo(600 * 1024);
            assertThat(letters.get(0).getReason()).contains("key cut from 358400 to 1024 bytes");

            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.httpPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = new ObjectMapper().readTree(health.body());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(body.get("status").asText()).isEqualTo("UP");
            assertThat(body.get("threadFailuresTotal").asLong()).isZero();
        }
    }

    @Test
    void underAtLeastOnceADeadLetterAboveTheProducersLimitIsDroppedAndCountedNotFatal(@TempDir Path stateDir) throws Exception {
        // Under exactly_once_v2 a record the producer refuses puts the transaction in an error state whatever the
        // handler says (so there DeadLetters keeps every letter under 1 MiB); the handler saves at_least_once.
        StreamsSettings settings = StreamsSettings.fromMap(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "application.id", "unproducible-it-" + System.nanoTime(), "state.dir", stateDir.toString(),
                "http.port", "0", "processing.guarantee", "at_least_once"), "test");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Properties properties = StreamsService.streamsProperties(settings, 0);
        // an operator's lower limit: the 100 KB dead letter below can never be produced
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 64 * 1024);
        properties.put(UnproducibleRecordHandler.METER_REGISTRY_CONFIG, registry);
        StreamThreadHealth health = new StreamThreadHealth(Clock.systemUTC());
        try (KafkaStreams streams = new KafkaStreams(TopologyFactory.buildTopology(settings, new ModelRegistry(),
                AppMetrics.inMemory()), properties); KafkaProducer<byte[], byte[]> producer = producer(1024 * 1024)) {
            streams.setUncaughtExceptionHandler(health);
            streams.start();
            producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS.name(), "p1".getBytes(StandardCharsets.UTF_8),
                    new byte[100 * 1024])).get();
            TopicIo.send(producer, Topics.SENSOR_READINGS, "p9",
                    TopologyFixture.reading("p9", SystemKind.PENDULUM, 0, Double.NaN));

            // p9's letter comes after the dropped one: the task went on past it
            List<DeadLetter> letters = StreamsServiceIntegrationTest.readUntilFrom(broker, Topics.DEAD_LETTERS,
                    l -> l.stream().anyMatch(HostileInputIntegrationTest::isP9), Duration.ofSeconds(60));
            assertThat(letters).anyMatch(HostileInputIntegrationTest::isP9);
            assertThat(letters).noneMatch(l -> l.getValue() != null && l.getValue().remaining() == 100 * 1024);
            assertThat(registry.find(UnproducibleRecordHandler.METRIC).tag("topic", Topics.DEAD_LETTERS.name())
                    .tag("reason", "RecordTooLargeException").counter().count()).isGreaterThanOrEqualTo(1.0);
            assertThat(health.status(streams.state())).isEqualTo(StreamThreadHealth.Status.UP);
        }
    }

    @Test
    void idsWithPlusPercentSlashAndSpacesWorkOverHttpAndStalledClientsDoNotStarveHealth(@TempDir Path stateDir)
            throws Exception {
        StreamsSettings settings = settings("http-ids-it-" + System.nanoTime(), stateDir);
        List<String> ids = List.of("a+b", "50%", "x/y", "é ü", "%2F");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (StreamsService service = StreamsService.start(settings, (header, payload) -> {
            throw new IllegalStateException("no model in this test");
        }); KafkaProducer<byte[], byte[]> producer = producer(1024 * 1024)) {
            for (String id : ids) {
                TopicIo.send(producer, Topics.SENSOR_READINGS, id,
                        TopologyFixture.reading(id, SystemKind.PENDULUM, 0, 0.1));
            }
            String base = "http://127.0.0.1:" + service.httpPort();
            for (String id : ids) {
                // as a browser's encodeURIComponent does
                String encoded = java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
                JsonNode sensor = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (sensor == null && System.nanoTime() < deadline) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/sensors/"
                            + encoded)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        sensor = new ObjectMapper().readTree(r.body());
                    } else {
                        Thread.sleep(200);
                    }
                }
                assertThat(sensor).as("sensor %s at /api/sensors/%s", id, encoded).isNotNull();
                assertThat(sensor.get("sensorId").asText()).isEqualTo(id);
            }

            // clients that open a connection and never finish their request
            List<java.net.Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    java.net.Socket socket = new java.net.Socket("127.0.0.1", service.httpPort());
                    socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    stalled.add(socket);
                }
                long started = System.nanoTime();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                        .timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
            } finally {
                for (java.net.Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    private static boolean isP9(DeadLetter l) {
        return l.getKey() != null && StandardCharsets.UTF_8.decode(l.getKey().duplicate()).toString().equals("p9")
                && l.getReason().contains("values[0] is NaN");
    }

    /** The letters of the first test: the oversized record's and sensor p8's. */
    private static List<DeadLetter> mine(List<DeadLetter> letters) {
        return letters.stream().filter(l -> l.getKey() != null && (l.getKey().remaining() == DeadLetters.MAX_KEY_BYTES
                || StandardCharsets.UTF_8.decode(l.getKey().duplicate()).toString().equals("p8"))).toList();
    }

    private static StreamsSettings settings(String applicationId, Path stateDir) {
        return StreamsSettings.fromMap(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "application.id", applicationId, "state.dir", stateDir.toString(), "http.port", "0",
                "commit.interval.ms", "200"), "test");
    }

    private static KafkaProducer<byte[], byte[]> producer(int maxRequestSize) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestSize);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
