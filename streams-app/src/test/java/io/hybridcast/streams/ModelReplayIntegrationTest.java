package io.hybridcast.streams;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.swap.ModelSwapper;
import io.hybridcast.streams.swap.ModelVersionWatcher;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopicIo;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restart gaps on a real broker: the streams start only once the published model versions are replayed (so
 * no hop falls due without the model that is already on the topic), the version watcher survives a version
 * whose loading throws an {@link OutOfMemoryError} and waits for a broker that is not up yet, and the
 * compacted topic keeps only the newest version of a system instead of every version ever published.
 */
class ModelReplayIntegrationTest {

    static final String KEY = "replay-key";

    static Map<String, Object> transactional(EmbeddedKafkaBroker broker, String id) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_VERSION_MAX_MESSAGE_BYTES);
    }

    /** Publishes a version as the trainer does: its chunks and slot tombstones in one transaction. */
    static void publish(KafkaProducer<String, ModelVersion> producer, ModelVersion version, int chunkBytes) {
        byte[] payload = new byte[version.getPayload().remaining()];
        version.getPayload().duplicate().get(payload);
        producer.beginTransaction();
        for (ProducerRecord<String, ModelVersion> r : ModelPayloads.records(
                ModelPayloads.chunks(version, payload, chunkBytes, KEY))) {
            producer.send(r);
        }
        producer.commitTransaction();
    }

    static KafkaProducer<String, ModelVersion> producer(EmbeddedKafkaBroker broker, String id) {
        KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(transactional(broker, id),
                Topics.MODEL_VERSIONS.keySerde().serializer(), Topics.MODEL_VERSIONS.valueSerde().serializer());
        producer.initTransactions();
        return producer;
    }

    @Test
    void theStreamsStartOnlyOnceTheModelVersionsAreReplayedSoNoHopIsSkipped(@TempDir Path state) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(); Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
            try (KafkaProducer<String, ModelVersion> models = producer(broker, "replay-test")) {
                publish(models, TinyModels.pendulumVersion(1, null), 64 * 1024);
            }
            Instant start = Instant.now().minusSeconds(60);
            try (KafkaProducer<byte[], byte[]> producer = TopicIo.producer(broker.bootstrapServers())) {
                for (long s = 0; s < 45; s++) { // readings waiting on the topic, as after a restart
                    SensorReading r = TopologyFixture.reading("g1", SystemKind.PENDULUM, s, Math.sin(0.3 * s));
                    r.setEventTime(start.plusMillis(50 * s));
                    TopicIo.send(producer, Topics.SENSOR_READINGS, "g1", r);
                }
            }
            StreamsSettings settings = StreamsSettings.fromMap(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(), "application.id", "replay-" + System.nanoTime(),
                    "state.dir", state.toString(), "http.port", "0", "model.hmac.key", KEY,
                    "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                    "pendulum.horizon", "10"), "test")
                    .with(Map.of("forecast.phase", "aligned")); // the test counts hops from sample 0
            // a model that takes a while to load, as a large one does; the test decides when it is done
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            BundleModelLoader real = new BundleModelLoader();
            try (StreamsService service = StreamsService.start(settings, (header, payload) -> {
                loading.countDown();
                release.await();
                return real.load(header, payload);
            })) {
                assertThat(loading.await(60, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(3000); // time enough for the streams to rebalance and process, were they running
                assertThat(service.streams().state()).isEqualTo(KafkaStreams.State.CREATED);
                assertThat(service.ready()).isFalse();
                release.countDown();
                List<Forecast> forecasts = StreamsServiceIntegrationTest.readUntilFrom(broker, Topics.FORECASTS,
                        l -> l.size() >= 2, Duration.ofSeconds(60));
                // every hop of the readings that waited is forecast, by the version that was on the topic
                assertThat(forecasts).hasSize(2).allSatisfy(f -> assertThat(f.getModelVersion()).isEqualTo(1));
                assertThat(forecasts).extracting(Forecast::getFirstSequence).contains(45L);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!service.ready() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(service.ready()).isTrue();
            }
        }
    }

    @Test
    void theWatcherSurvivesAVersionWhoseLoadingRunsOutOfMemory() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(); Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 1);
            StreamsSettings settings = StreamsSettings.fromMap(Map.of("pendulum.window.length", "20",
                    "pendulum.horizon", "10", "model.hmac.key", KEY), "test");
            ModelRegistry registry = new ModelRegistry();
            AppMetrics metrics = AppMetrics.inMemory();
            BundleModelLoader real = new BundleModelLoader();
            ModelSwapper swapper = new ModelSwapper(registry, (header, payload) -> {
                if (header.getVersion() == 1) {
                    throw new OutOfMemoryError("Java heap space (a hostile bundle)");
                }
                return real.load(header, payload);
            }, settings, metrics);
            try (ModelVersionWatcher watcher = new ModelVersionWatcher(broker.bootstrapServers(), swapper, metrics);
                 KafkaProducer<String, ModelVersion> models = producer(broker, "oom-test")) {
                watcher.start();
                publish(models, TinyModels.pendulumVersion(1, null), 1024 * 1024);
                publish(models, TinyModels.pendulumVersion(2, null), 1024 * 1024);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (registry.version(SystemKind.PENDULUM) < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(registry.version(SystemKind.PENDULUM)).isEqualTo(2);
                assertThat(metrics.count("hybridcast.model.versions", "system", "PENDULUM", "outcome", "refused"))
                        .isEqualTo(1);
            } finally {
                registry.close();
            }
        }
    }

    @Test
    void theWatcherWaitsForABrokerThatIsNotUpYet() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        StreamsSettings settings = StreamsSettings.fromMap(Map.of("pendulum.window.length", "20",
                "pendulum.horizon", "10", "model.hmac.key", KEY), "test");
        ModelRegistry registry = new ModelRegistry();
        AppMetrics metrics = AppMetrics.inMemory();
        ModelSwapper swapper = new ModelSwapper(registry, new BundleModelLoader(), settings, metrics);
        try (ModelVersionWatcher watcher = new ModelVersionWatcher("127.0.0.1:" + port, swapper, metrics)) {
            watcher.start();
            Thread.sleep(12_000); // longer than one metadata timeout of the watcher: it must not give up
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(port).start();
                 Admin admin = broker.createAdmin()) {
                Topics.createAll(admin, 1);
                try (KafkaProducer<String, ModelVersion> models = producer(broker, "late-broker-test")) {
                    publish(models, TinyModels.pendulumVersion(1, null), 1024 * 1024);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (registry.version(SystemKind.PENDULUM) < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(registry.version(SystemKind.PENDULUM)).isEqualTo(1);
                assertThat(watcher.caughtUp()).isTrue();
            }
        } finally {
            registry.close();
        }
    }

    @Test
    void compactionKeepsOnlyTheNewestVersionOfASystem() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().config("log.cleaner.backoff.ms", "100")
                .start(); Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 1);
            // segments that roll and are cleaned within the test, not after hours
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    Topics.MODEL_VERSIONS.name()), List.of(
                    new AlterConfigOp(new ConfigEntry("segment.ms", "100"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("min.cleanable.dirty.ratio", "0.01"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("delete.retention.ms", "0"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, ModelVersion> models = producer(broker, "compaction-test")) {
                for (long v = 1; v <= 5; v++) {
                    // a first version in 4 chunks, then one-chunk ones: its extra slots must not outlive it
                    publish(models, TinyModels.pendulumVersion(v, null),
                            v == 1 ? TinyModels.pendulumBundle().length / 4 + 1 : 64 * 1024);
                    Thread.sleep(200);
                }
                // a last record in a new segment, so that the segment holding version 5 may be cleaned
                models.beginTransaction();
                models.send(new ProducerRecord<>(Topics.MODEL_VERSIONS.name(), "roll", null));
                models.commitTransaction();
            }
            int expectedChunks = ModelPayloads.chunks(TinyModels.pendulumVersion(5, null), TinyModels.pendulumBundle(),
                    64 * 1024, KEY).size();
            List<ModelVersion> held = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                held = readAll(broker);
                if (held.size() == expectedChunks) {
                    break;
                }
                Thread.sleep(500);
            }
            // what a restarted reader replays: the newest version's chunks, nothing of the four before it
            assertThat(held).hasSize(expectedChunks).allSatisfy(v -> assertThat(v.getVersion()).isEqualTo(5));
        }
    }

    /** Every non-tombstone model-version record on the topic, from the beginning. */
    static List<ModelVersion> readAll(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ModelVersion> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(Topics.MODEL_VERSIONS.name()).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() != null) {
                        out.add(Topics.MODEL_VERSIONS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    }
                });
            }
        }
        return out;
    }
}
