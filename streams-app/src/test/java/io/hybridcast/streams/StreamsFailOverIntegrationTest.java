package io.hybridcast.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.ModelLoader;
import io.hybridcast.streams.testing.TopicIo;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two streams-app instances share the partitions (one of them with two stream threads), each keeps a standby copy
 * of the other's tasks, either answers for any sensor, and when one dies without leaving the group (as a
 * {@code kill -9} does) its sensors resume on the other within seconds, with their state, not after Kafka's
 * default 45 s session timeout and a restore from the changelog (issue 12 item 5, issue 14).
 */
class StreamsFailOverIntegrationTest {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsFailOverIntegrationTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int PARTITIONS = 4;
    /** The fail-over target of issues 12 and 14. */
    private static final Duration RESUME_WITHIN = Duration.ofSeconds(10);

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, PARTITIONS);
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aDeadInstancesSensorsResumeOnTheOtherFromItsStandbyWithinSeconds(@TempDir Path stateA, @TempDir Path stateB)
            throws Exception {
        Map<String, String> common = Map.of("bootstrap.servers", broker.bootstrapServers(),
                "application.id", "fail-over-" + System.nanoTime(), "http.port", "0",
                "pendulum.window.length", "10", "pendulum.hop", "5", "pendulum.context.windows", "2");
        StreamsSettings a = StreamsSettings.fromMap(common, "test").with(Map.of("state.dir", stateA.toString()));
        StreamsSettings b = StreamsSettings.fromMap(common, "test").with(Map.of("state.dir", stateB.toString(),
                "num.stream.threads", "2"));
        ModelLoader none = (header, payload) -> {
            throw new IllegalStateException("no model in this test: the readings' state is what moves");
        };
        List<String> sensors = List.of("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8");
        Instant start = Instant.now().minusSeconds(60);
        try (StreamsService first = StreamsService.start(a, none); StreamsService second = StreamsService.start(b, none);
             KafkaProducer<byte[], byte[]> producer = TopicIo.producer(broker.bootstrapServers())) {
            String baseA = "http://127.0.0.1:" + first.httpPort();
            String baseB = "http://127.0.0.1:" + second.httpPort();
            await("both instances hold active tasks and a standby of the other's", Duration.ofSeconds(60), () ->
                    !tasks(first.streams(), ThreadMetadata::activeTasks).isEmpty()
                            && !tasks(second.streams(), ThreadMetadata::activeTasks).isEmpty()
                            && tasks(first.streams(), ThreadMetadata::standbyTasks)
                            .equals(tasks(second.streams(), ThreadMetadata::activeTasks))
                            && tasks(second.streams(), ThreadMetadata::standbyTasks)
                            .equals(tasks(first.streams(), ThreadMetadata::activeTasks)));
            assertThat(second.streams().metadataForLocalThreads()).hasSize(2);
            for (String sensor : sensors) {
                send(producer, sensor, start, 0, 12);
            }
            // either instance answers for every sensor, wherever its state lives
            for (String sensor : sensors) {
                for (String base : List.of(baseA, baseB)) {
                    awaitJson(base + "/api/sensors/" + sensor, n -> n.path("readings").asLong() == 12);
                }
            }
            Set<String> movedTasks = tasks(first.streams(), ThreadMetadata::activeTasks);

            // The first instance dies without a word to the group, as kill -9 leaves it: its threads stop and it
            // does not leave the group, so only the session timeout tells the group it is gone.
            first.streams().close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP).withTimeout(Duration.ofSeconds(30)));
            long died = System.nanoTime();
            for (String sensor : sensors) {
                send(producer, sensor, start, 12, 24);
            }
            for (String sensor : sensors) {
                // 24, not 12: the state moved with the sensor (the standby), no reading was lost or counted twice
                awaitJson(baseB + "/api/sensors/" + sensor, n -> n.path("readings").asLong() == 24);
            }
            Duration resumed = Duration.ofNanos(System.nanoTime() - died);
            LOG.info("The dead instance's sensors resumed on the other after {} ms", resumed.toMillis());
            assertThat(resumed).isLessThanOrEqualTo(RESUME_WITHIN);
            assertThat(tasks(second.streams(), ThreadMetadata::activeTasks)).containsAll(movedTasks);
            for (String sensor : sensors) {
                JsonNode one = awaitJson(baseB + "/api/sensors/" + sensor, n -> n.has("sensorId"));
                assertThat(one.get("lastSequence").asLong()).isEqualTo(23);
            }
        }
    }

    private static Set<String> tasks(KafkaStreams streams, Function<ThreadMetadata, Set<TaskMetadata>> which) {
        Set<String> ids = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            which.apply(thread).forEach(t -> ids.add(t.taskId().toString()));
        }
        return ids;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String sensor, Instant start, long from, long to)
            throws Exception {
        for (long s = from; s < to; s++) {
            SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
            r.setEventTime(start.plusMillis(50 * s));
            TopicIo.send(producer, Topics.SENSOR_READINGS, sensor, r);
        }
    }

    private static void await(String what, Duration timeout, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + timeout + ": " + what);
            }
            Thread.sleep(200);
        }
    }

    private static JsonNode awaitJson(String url, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    last = JSON.readTree(response.body());
                    if (done.test(last)) {
                        return last;
                    }
                }
            } catch (java.io.IOException e) {
                // the owner is moving: ask again
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " never satisfied the condition; last answer: " + last);
    }
}
