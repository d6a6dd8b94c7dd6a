package io.hybridcast.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.StreamsService;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.testing.TopicIo;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paging of /api/sensors over two instances of the service (one application, four partitions, each instance
 * owning some) on the real broker: following the Link headers from either instance returns every sensor exactly
 * once in id order, bad parameters are a 400 naming the parameter, and /api/fleet counts every sensor.
 */
class SensorPagingIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 4);
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void pagesReturnEverySensorExactlyOnceAcrossInstances(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
        Set<String> ids = new HashSet<>(List.of("a b", "x+y", "p%41", "s/1", "é-ü", "\uD83D\uDE00", "Z", "~"));
        for (int i = 0; i < 222; i++) {
            ids.add("sensor-" + i);
        }
        String app = "paging-it-" + System.nanoTime();
        try (StreamsService a = StreamsService.start(settings(app, dirA), (h, p) -> {
            throw new IllegalStateException("no model in this test");
        }); StreamsService b = StreamsService.start(settings(app, dirB), (h, p) -> {
            throw new IllegalStateException("no model in this test");
        }); KafkaProducer<byte[], byte[]> producer = TopicIo.producer(broker.bootstrapServers())) {
            Instant start = Instant.now().minusSeconds(30);
            for (String id : ids) {
                SensorReading r = TopologyFixture.reading(id, SystemKind.PENDULUM, 0, 0.5);
                r.setEventTime(start);
                TopicIo.send(producer, Topics.SENSOR_READINGS, id, r);
            }
            String baseA = "http://127.0.0.1:" + a.httpPort();
            String baseB = "http://127.0.0.1:" + b.httpPort();
            awaitFleet(baseA, ids.size());

            for (String base : List.of(baseA, baseB)) {
                List<String> seen = new ArrayList<>();
                String url = base + "/api/sensors?limit=17";
                int pages = 0;
                while (url != null) {
                    HttpResponse<String> page = get(url);
                    assertThat(page.statusCode()).as(url).isEqualTo(200);
                    JsonNode body = JSON.readTree(page.body());
                    assertThat(body.size()).isLessThanOrEqualTo(17);
                    body.forEach(s -> seen.add(s.get("sensorId").asText()));
                    url = page.headers().firstValue("Link").map(link -> {
                        Matcher m = NEXT.matcher(link);
                        assertThat(m.matches()).as(link).isTrue();
                        return base + m.group(1);
                    }).orElse(null);
                    pages++;
                }
                assertThat(seen).as("every sensor exactly once").hasSize(ids.size()).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(seen).isSortedAccordingTo(SensorPages.ORDER);
                assertThat(pages).isBetween(ids.size() / 17, ids.size() / 17 + 2);
            }
            // the default page is bounded
            assertThat(JSON.readTree(get(baseA + "/api/sensors").body()).size()).isEqualTo(SensorPages.DEFAULT_LIMIT);
            // one sensor is answered by either instance, forwarded to its owner when need be
            for (String id : List.of("a b", "x+y", "p%41", "s/1", "\uD83D\uDE00")) {
                String path = "/api/sensors/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
                for (String base : List.of(baseA, baseB)) {
                    HttpResponse<String> one = get(base + path);
                    assertThat(one.statusCode()).as(base + path).isEqualTo(200);
                    assertThat(JSON.readTree(one.body()).get("sensorId").asText()).isEqualTo(id);
                }
            }
            // bad values: a 400 naming the parameter
            for (Map.Entry<String, String> bad : Map.of("limit=0", "'limit'", "limit=abc", "'limit'",
                    "limit=1001", "'limit'", "after=", "'after'", "colour=red", "'colour'").entrySet()) {
                HttpResponse<String> response = get(baseA + "/api/sensors?" + bad.getKey());
                assertThat(response.statusCode()).as(bad.getKey()).isEqualTo(400);
                assertThat(JSON.readTree(response.body()).get("error").asText()).contains(bad.getValue());
            }
        }
    }

    private static StreamsSettings settings(String app, Path stateDir) {
        return StreamsSettings.fromMap(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "application.id", app, "state.dir", stateDir.toString(), "http.port", "0",
                "processing.guarantee", "at_least_once"), "test");
    }

    private static void awaitFleet(String base, int sensors) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> fleet = get(base + "/api/fleet");
            last = fleet.statusCode() + " " + fleet.body();
            if (fleet.statusCode() == 200 && JSON.readTree(fleet.body()).get("sensors").asInt() == sensors) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("fleet never counted " + sensors + " sensors; last answer " + last);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
