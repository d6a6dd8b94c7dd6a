package io.hybridcast.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topic;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.swap.ModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.avro.Forecast;
import io.hybridcast.streams.swap.PayloadVerifier;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.testing.TopicIo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole service on a real in-process broker: readings in, dead letters and sensor-fault anomalies out,
 * state visible through the HTTP API, a corrupt model version refused, metrics scraped, dashboard served.
 */
class StreamsServiceIntegrationTest {

    static EmbeddedKafkaBroker broker;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

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
    void readingsFlowThroughTheServiceAndItsApi(@TempDir Path stateDir) throws Exception {
        StreamsSettings settings = StreamsSettings.fromMap(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "application.id", "streams-it-" + System.nanoTime(),
                "state.dir", stateDir.toString(),
                "http.port", "0",
                "pendulum.window.length", "10", "pendulum.hop", "5", "pendulum.context.windows", "2"), "test");
        try (StreamsService service = StreamsService.start(settings, (header, payload) -> {
            throw new IllegalStateException("this test publishes no loadable model");
        }); KafkaProducer<byte[], byte[]> producer = producer()) {
            Instant start = Instant.now().minusSeconds(60);
            for (String sensor : List.of("p1", "p2")) {
                for (long s = 0; s < 60; s++) {
                    double value = Math.sin(0.3 * s + sensor.hashCode()) + (sensor.equals("p1") && s == 40 ? 3 : 0);
                    SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, value);
                    r.setEventTime(start.plusMillis(50 * s));
                    send(producer, Topics.SENSOR_READINGS, sensor, r);
                }
            }
            producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS.name(), "p3".getBytes(StandardCharsets.UTF_8),
                    new byte[]{1, 2, 3})).get();
            send(producer, Topics.SENSOR_READINGS, "p4",
                    TopologyFixture.reading("p4", SystemKind.PENDULUM, 0, Double.NaN));
            byte[] payload = "not really a model".getBytes(StandardCharsets.UTF_8);
            send(producer, Topics.MODEL_VERSIONS, Topics.modelVersionKey(SystemKind.PENDULUM, 0), ModelVersion.newBuilder()
                    .setSystem(SystemKind.PENDULUM).setVersion(1).setAlgorithm("meta-hybrid-vae").setSettingsJson("{}")
                    .setMetrics(Map.of()).setCreatedAt(Instant.now()).setPayload(ByteBuffer.wrap(payload))
                    .setSha256(PayloadVerifier.sha256("something else".getBytes(StandardCharsets.UTF_8))).build());

            List<DeadLetter> letters = readUntil(Topics.DEAD_LETTERS, l -> l.size() >= 2, Duration.ofSeconds(60));
            assertThat(letters).extracting(DeadLetter::getStage).containsExactlyInAnyOrder("decode", "validate");
            assertThat(letters).allSatisfy(l -> assertThat(l.getSourceTopic()).isEqualTo(Topics.SENSOR_READINGS.name()));
            List<Anomaly> anomalies = readUntil(Topics.ANOMALIES, l -> !l.isEmpty(), Duration.ofSeconds(30));
            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getSensorId()).isEqualTo("p1");
                assertThat(a.getDetail()).isEqualTo("spike");
                assertThat(a.getFromSequence()).isEqualTo(40);
            });

            String base = "http://127.0.0.1:" + service.httpPort();
            awaitStatus(base + "/ready", 200, Duration.ofSeconds(30));
            JsonNode sensors = awaitJson(base + "/api/sensors", n -> count(n, s -> s.get("sensorId").asText()
                    .startsWith("p") && s.get("lastSequence").asLong() == 59) == 2);
            assertThat(sensors.get(0).get("status").asText()).isEqualTo("WAITING_FOR_MODEL");
            assertThat(sensors.get(0).get("statusText").asText()).contains("waiting for a model");
            JsonNode p1Anomalies = awaitJson(base + "/api/sensors/p1/anomalies", n -> n.size() == 1);
            assertThat(p1Anomalies.get(0).get("explanation").asText()).startsWith("Spike:");
            JsonNode models = awaitJson(base + "/api/models",
                    n -> !n.get("PENDULUM").get("lastRefusal").isNull());
            assertThat(models.get("PENDULUM").get("lastRefusal").asText()).contains("SHA-256 mismatch");
            assertThat(models.get("PENDULUM").get("version").isNull()).isTrue();
            JsonNode fleet = awaitJson(base + "/api/fleet", n -> n.get("sensors").asInt() >= 2);
            assertThat(fleet.get("anomaliesByKind").get("SENSOR_FAULT").asInt()).isEqualTo(1);
            assertThat(get(base + "/api/sensors/nobody").statusCode()).isEqualTo(404);

            String metrics = get(base + "/metrics").body();
            assertThat(metrics).contains("hybridcast_readings_total{outcome=\"valid\"} 120.0");
            assertThat(metrics).contains("hybridcast_dead_letters_total{stage=\"decode\"} 1.0");
            assertThat(metrics).contains("hybridcast_model_versions_total{outcome=\"refused\",system=\"PENDULUM\"} 1.0");
            assertThat(metrics).contains("kafka_stream"); // Kafka Streams' own metrics (rates, lag) are bound
            assertThat(get(base + "/").body()).contains("/webjars/chart.js/4.4.1/dist/chart.umd.js");
            HttpResponse<String> chartJs = get(base + "/webjars/chart.js/4.4.1/dist/chart.umd.js");
            assertThat(chartJs.statusCode()).isEqualTo(200);
            assertThat(chartJs.body()).contains("Chart");
        }
    }

    @Test
    void twoInstancesAnswerForEverySensorThroughEitherOne(@TempDir Path stateA, @TempDir Path stateB) throws Exception {
        String app = "streams-it-pair-" + System.nanoTime();
        Map<String, String> common = Map.of("bootstrap.servers", broker.bootstrapServers(), "application.id", app,
                "http.port", "0", "pendulum.window.length", "10", "pendulum.hop", "5",
                "pendulum.context.windows", "2");
        StreamsSettings a = StreamsSettings.fromMap(common, "test").with(Map.of("state.dir", stateA.toString()));
        StreamsSettings b = StreamsSettings.fromMap(common, "test").with(Map.of("state.dir", stateB.toString()));
        ModelLoader none = (header, payload) -> {
            throw new IllegalStateException("no model in this test");
        };
        try (StreamsService first = StreamsService.start(a, none); StreamsService second = StreamsService.start(b, none);
             KafkaProducer<byte[], byte[]> producer = producer()) {
            String baseA = "http://127.0.0.1:" + first.httpPort();
            String baseB = "http://127.0.0.1:" + second.httpPort();
            awaitStatus(baseA + "/ready", 200, Duration.ofSeconds(60));
            awaitStatus(baseB + "/ready", 200, Duration.ofSeconds(60));
            // the broker is shared with the other test: these sensors are this test's own
            List<String> sensors = List.of("s1", "s2", "s3", "s4", "s5", "s6");
            Predicate<JsonNode> mine = n -> n.get("sensorId").asText().startsWith("s");
            Instant start = Instant.now().minusSeconds(60);
            for (String sensor : sensors) {
                for (long s = 0; s < 12; s++) {
                    SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
                    r.setEventTime(start.plusMillis(50 * s));
                    send(producer, Topics.SENSOR_READINGS, sensor, r);
                }
            }
            // each instance owns one partition, yet either one lists the whole fleet ...
            for (String base : List.of(baseA, baseB)) {
                JsonNode all = awaitJson(base + "/api/sensors", n -> count(n, mine) == sensors.size()
                        && count(n, s -> mine.test(s) && s.get("readings").asLong() == 12) == sensors.size());
                assertThat(all.findValuesAsText("sensorId")).containsAll(sensors);
            }
            // ... and answers for any one sensor, wherever its state lives
            for (String sensor : sensors) {
                for (String base : List.of(baseA, baseB)) {
                    JsonNode one = awaitJson(base + "/api/sensors/" + sensor, n -> n.has("sensorId"));
                    assertThat(one.get("sensorId").asText()).isEqualTo(sensor);
                    assertThat(one.get("lastSequence").asLong()).isEqualTo(11);
                }
            }
            long localA = count(JSON.readTree(get(baseA + "/api/sensors?local=true").body()), mine);
            long localB = count(JSON.readTree(get(baseB + "/api/sensors?local=true").body()), mine);
            assertThat(localA + localB).isEqualTo(sensors.size());
            assertThat(localA).isPositive();
            assertThat(localB).isPositive();
        }
    }

    @Test
    void modelVersionsFromTheTopicServeAndSwapWithoutLosingAReading(@TempDir Path stateDir) throws Exception {
        StreamsSettings settings = StreamsSettings.fromMap(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "application.id", "streams-it-models-" + System.nanoTime(),
                "state.dir", stateDir.toString(), "http.port", "0", "model.hmac.key", "shared-key",
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10"), "test")
                .with(Map.of("forecast.phase", "aligned")); // the test counts hops from sample 0
        try (StreamsService service = StreamsService.start(settings, new BundleModelLoader());
             KafkaProducer<byte[], byte[]> producer = producer()) {
            String base = "http://127.0.0.1:" + service.httpPort();
            publishInTwoChunks(producer, TinyModels.pendulumVersion(10, "shared-key"), "shared-key");
            awaitJson(base + "/api/models", n -> n.get("PENDULUM").get("version").asLong() == 10);

            Instant start = Instant.now().minusSeconds(60);
            for (long s = 0; s < 45; s++) {
                for (String sensor : List.of("m1", "m2")) {
                    SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
                    r.setEventTime(start.plusMillis(50 * s));
                    send(producer, Topics.SENSOR_READINGS, sensor, r);
                }
            }
            List<Forecast> first = readUntil(Topics.FORECASTS, l -> mine(l).size() >= 4, Duration.ofSeconds(30));
            assertThat(mine(first)).hasSize(4).allSatisfy(f -> assertThat(f.getModelVersion()).isEqualTo(10));
            JsonNode latest = awaitJson(base + "/api/sensors/m1/forecast", n -> n.get("firstSequence").asLong() == 45);
            assertThat(latest.get("modelVersion").asLong()).isEqualTo(10);
            assertThat(latest.get("physics").get(0).get("name").asText()).isEqualTo("omega");

            publishInTwoChunks(producer, TinyModels.pendulumVersion(11, "shared-key"), "shared-key");
            awaitJson(base + "/api/models", n -> n.get("PENDULUM").get("version").asLong() == 11);
            for (long s = 45; s < 55; s++) {
                for (String sensor : List.of("m1", "m2")) {
                    SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
                    r.setEventTime(start.plusMillis(50 * s));
                    send(producer, Topics.SENSOR_READINGS, sensor, r);
                }
            }
            List<Forecast> all = readUntil(Topics.FORECASTS, l -> mine(l).size() >= 8, Duration.ofSeconds(30));
            assertThat(mine(all)).hasSize(8);
            // by sequence: the two sensors sit on different partitions, whose records a consumer may return in
            // either order (reading them in topic order made this test flaky)
            List<Forecast> bySequence = mine(all).stream()
                    .sorted(java.util.Comparator.comparingLong(Forecast::getFirstSequence)).toList();
            assertThat(bySequence.subList(4, 8)).allSatisfy(f -> assertThat(f.getModelVersion()).isEqualTo(11));
            JsonNode m1 = awaitJson(base + "/api/sensors/m1", n -> n.get("lastSequence").asLong() == 54);
            assertThat(m1.get("readings").asLong()).isEqualTo(55); // every reading accepted across the swap
            assertThat(m1.get("status").asText()).isEqualTo("FORECASTING");
            assertThat(m1.get("modelVersion").asLong()).isEqualTo(11);
            assertThat(get(base + "/metrics").body())
                    .contains("hybridcast_model_versions_total{outcome=\"accepted\",system=\"PENDULUM\"} 2.0");
        }
    }

    /**
     * The forecaster's state is written back once per commit (WriteBehindStore), so the changelog must still hold
     * every committed reading's effect: a second instance with an empty state directory restores it from the
     * changelog alone and carries on where the first stopped, with no reading counted twice or lost; with either
     * kind of store (on disk, or on the heap, where the changelog is all there is after a stop).
     */
    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "in_memory"})
    void stateWrittenOncePerCommitSurvivesARestartFromTheChangelogAlone(String storeType, @TempDir Path first,
                                                                        @TempDir Path second) throws Exception {
        Map<String, String> common = Map.of("bootstrap.servers", broker.bootstrapServers(),
                "application.id", "streams-it-restore-" + System.nanoTime(), "http.port", "0",
                "pendulum.window.length", "10", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "state.store.type", storeType);
        String sensor = "r-" + storeType; // each run its own sensor: the topic keeps the other run's readings
        ModelLoader none = (header, payload) -> {
            throw new IllegalStateException("no model in this test");
        };
        Instant start = Instant.now().minusSeconds(60);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            try (StreamsService service = StreamsService.start(StreamsSettings.fromMap(common, "test")
                    .with(Map.of("state.dir", first.toString())), none)) {
                sendRange(producer, sensor, start, 0, 25);
                String base = "http://127.0.0.1:" + service.httpPort();
                // the sensor state can be written back before the commit that writes the context set
                // (state.writeback.quiet.ms), so the view is awaited until both have arrived
                JsonNode r1 = awaitJson(base + "/api/sensors/" + sensor,
                        n -> n.get("lastSequence").asLong() == 24 && n.get("contextWindows").asInt() == 2);
                assertThat(r1.get("readings").asLong()).isEqualTo(25);
            }
            try (StreamsService service = StreamsService.start(StreamsSettings.fromMap(common, "test")
                    .with(Map.of("state.dir", second.toString())), none)) {
                sendRange(producer, sensor, start, 25, 40);
                String base = "http://127.0.0.1:" + service.httpPort();
                JsonNode r1 = awaitJson(base + "/api/sensors/" + sensor,
                        n -> n.get("lastSequence").asLong() == 39 && n.get("contextWindows").asInt() == 2);
                // 40, not 15: the counters, window and context set came back from the changelog
                assertThat(r1.get("readings").asLong()).isEqualTo(40);
                assertThat(r1.get("status").asText()).isEqualTo("WAITING_FOR_MODEL");
            }
        }
        List<DeadLetter> letters = readUntil(Topics.DEAD_LETTERS, l -> false, Duration.ofSeconds(1));
        assertThat(letters).filteredOn(l -> l.getKey() != null
                && sensor.equals(StandardCharsets.UTF_8.decode(l.getKey().duplicate()).toString())).isEmpty();
    }

    static void sendRange(KafkaProducer<byte[], byte[]> producer, String sensor, Instant start, long from, long to)
            throws Exception {
        for (long s = from; s < to; s++) {
            SensorReading r = TopologyFixture.reading(sensor, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
            r.setEventTime(start.plusMillis(50 * s));
            send(producer, Topics.SENSOR_READINGS, sensor, r);
        }
    }

    static List<Forecast> mine(List<Forecast> forecasts) {
        return forecasts.stream().filter(f -> f.getSensorId().startsWith("m")).toList();
    }

    static void publishInTwoChunks(KafkaProducer<byte[], byte[]> producer, ModelVersion whole, String key)
            throws Exception {
        byte[] payload = whole.getPayload().array();
        // as the trainer publishes: the signature covers the chunk count, so the chunks are signed as two
        for (ModelVersion chunk : ModelPayloads.chunks(whole, payload, payload.length / 2 + 1, key)) {
            send(producer, Topics.MODEL_VERSIONS, Topics.modelVersionKey(chunk), chunk);
        }
    }

    static long count(JsonNode array, Predicate<JsonNode> which) {
        long n = 0;
        for (JsonNode item : array) {
            n += which.test(item) ? 1 : 0;
        }
        return n;
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return TopicIo.producer(broker.bootstrapServers());
    }

    static <K, V> void send(KafkaProducer<byte[], byte[]> producer, Topic<K, V> topic, K key, V value) throws Exception {
        TopicIo.send(producer, topic, key, value);
    }

    static <K, V> List<V> readUntil(Topic<K, V> topic, Predicate<List<V>> done, Duration timeout) {
        return readUntilFrom(broker, topic, done, timeout);
    }

    static <K, V> List<V> readUntilFrom(EmbeddedKafkaBroker broker, Topic<K, V> topic, Predicate<List<V>> done,
                                        Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            var partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(values) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            // a little longer, to catch anything that should not be there
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static void awaitStatus(String url, int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = get(url).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " answered " + last + ", expected " + status);
    }

    static JsonNode awaitJson(String url, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(url);
            if (response.statusCode() == 200) {
                last = JSON.readTree(response.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " never satisfied the condition; last answer: " + last);
    }
}
