package io.hybridcast.streams;

import io.hybridcast.avro.Forecast;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.StreamsServiceIntegrationTest.awaitJson;
import static io.hybridcast.streams.StreamsServiceIntegrationTest.publishInTwoChunks;
import static io.hybridcast.streams.StreamsServiceIntegrationTest.readUntilFrom;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code commit.on.forecast} under exactly-once, through the real service and broker: with a commit interval of a
 * minute, a forecast reaches a {@code read_committed} reader within seconds when a batch asks for its commit, and
 * not before the interval when it does not.
 */
class CommitOnForecastIntegrationTest {

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
    void aForecastIsCommittedAtOnceOnlyWhenItsBatchAsks(@TempDir Path on, @TempDir Path off) throws Exception {
        assertThat(firstForecastWithin(on, "asks", true, Duration.ofSeconds(20))).isTrue();
        assertThat(firstForecastWithin(off, "waits", false, Duration.ofSeconds(8))).isFalse();
    }

    /** Whether the sensor's first forecast is visible to a committed reader within {@code wait} of its readings. */
    private static boolean firstForecastWithin(Path stateDir, String sensor, boolean commitOnForecast, Duration wait)
            throws Exception {
        Map<String, String> settings = Map.ofEntries(Map.entry("bootstrap.servers", broker.bootstrapServers()),
                Map.entry("application.id", "commit-on-forecast-" + sensor), Map.entry("http.port", "0"),
                Map.entry("state.dir", stateDir.toString()), Map.entry("model.hmac.key", "shared-key"),
                Map.entry("commit.interval.ms", "60000"), Map.entry("transaction.timeout.ms", "120000"),
                Map.entry("commit.on.forecast", String.valueOf(commitOnForecast)),
                Map.entry("pendulum.window.length", "20"), Map.entry("pendulum.hop", "5"),
                Map.entry("pendulum.context.windows", "2"), Map.entry("pendulum.horizon", "10"),
                // the test counts hops from sample 0
                Map.entry("forecast.phase", "aligned"));
        Instant start = Instant.now().minusSeconds(60);
        try (KafkaProducer<byte[], byte[]> producer = TopicIo.producer(broker.bootstrapServers());
             StreamsService service = StreamsService.start(StreamsSettings.fromMap(settings, "test"),
                     new BundleModelLoader())) {
            publishInTwoChunks(producer, TinyModels.pendulumVersion(10, "shared-key"), "shared-key");
            awaitJson("http://127.0.0.1:" + service.httpPort() + "/api/models",
                    n -> n.has("PENDULUM") && n.get("PENDULUM").get("version").asLong() == 10);
            awaitJson("http://127.0.0.1:" + service.httpPort() + "/ready", n -> true);
            // the first forecast comes with sequence 39: the second context window's end
            for (long s = 0; s < 40; s++) {
                SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
                r.setEventTime(start.plusMillis(50 * s));
                TopicIo.send(producer, Topics.SENSOR_READINGS, sensor, r);
            }
            producer.flush();
            List<Forecast> seen = readUntilFrom(broker, Topics.FORECASTS,
                    l -> l.stream().anyMatch(f -> f.getSensorId().equals(sensor)), wait);
            return seen.stream().anyMatch(f -> f.getSensorId().equals(sensor));
        }
    }
}
