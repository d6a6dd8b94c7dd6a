package io.hybridcast.trainer.service;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trainer's readers against hostile topics on a real broker: bad, unsigned, forged and implausibly
 * numbered model versions are skipped and counted (never stop the trainer, never lend it their number), and
 * readings the streams app would refuse are not trained on.
 */
class HostileTopicsIntegrationTest {

    static EmbeddedKafkaBroker broker;
    static final byte[] PAYLOAD = "a model payload".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static ModelVersion header(long version) {
        return ModelVersion.newBuilder().setSystem(SystemKind.PENDULUM).setVersion(version)
                .setAlgorithm("meta-hybrid-vae").setSettingsJson("{}").setMetrics(Map.of())
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).setPayload(ByteBuffer.allocate(0))
                .setSha256("").build();
    }

    static void send(KafkaProducer<String, byte[]> producer, String key, ModelVersion value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS.name(), key,
                Topics.MODEL_VERSIONS.valueSerde().serializer().serialize(Topics.MODEL_VERSIONS.name(), value))).get();
    }

    @Test
    void badForgedAndImplausibleModelVersionsAreSkippedAndCounted() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS.name(), "junk", new byte[] {2, 0, 7, 1})).get();
            ModelVersion v1 = ModelPayloads.chunks(header(1), PAYLOAD, 1024, "secret").get(0);
            send(producer, "a", v1);
            send(producer, "b", ModelPayloads.chunks(header(2), PAYLOAD, 1024, null).get(0));
            send(producer, "c", ModelPayloads.chunks(header(3), PAYLOAD, 1024, "other").get(0));
            // v1's payload and signature republished as the highest possible version
            send(producer, "d", ModelVersion.newBuilder(v1).setVersion(Long.MAX_VALUE).build());
            // half of a version no one can verify, numbered to exhaust the numbers
            send(producer, "e", ModelPayloads.chunks(header(Long.MAX_VALUE - 1), PAYLOAD, 8, "secret").get(0));
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ServedVersion.Lookup signed = ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM, "secret",
                false, meters, Duration.ofSeconds(30));
        assertThat(signed.newest()).get().extracting(ServedVersion::version).isEqualTo(1L);
        assertThat(signed.highestVersion()).isEqualTo(1); // the next version is 2, not Long.MAX_VALUE + 1
        assertThat(meters.counter(ServedVersion.SKIPPED_METER, "system", "PENDULUM", "reason", "undecodable").count())
                .isEqualTo(1);
        assertThat(meters.counter(ServedVersion.SKIPPED_METER, "system", "PENDULUM", "reason", "refused").count())
                .isEqualTo(3); // unsigned v2, v3 under another key, the replayed v1

        // unsigned allowed: signatures cannot be checked, so the number itself must be plausible
        ServedVersion.Lookup unsigned = ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM, "",
                true, new SimpleMeterRegistry(), Duration.ofSeconds(30));
        assertThat(unsigned.newest()).get().extracting(ServedVersion::version).isEqualTo(3L);
        assertThat(unsigned.highestVersion()).isEqualTo(3);
        // and without the setting nothing unsigned is used
        assertThat(ServedVersion.lookup(broker.bootstrapServers(), SystemKind.PENDULUM, "", false,
                new SimpleMeterRegistry(), Duration.ofSeconds(30)).newest()).isEmpty();
    }

    static SensorReading reading(String id, long sequence, long eventMs, Double... values) {
        return SensorReading.newBuilder().setSensorId(id).setSystem(SystemKind.PENDULUM).setSequence(sequence)
                .setEventTime(Instant.ofEpochMilli(eventMs)).setValues(List.of(values)).build();
    }

    @Test
    void readingsTheStreamsAppWouldRefuseAreNotTrainedOn() throws Exception {
        long t0 = 1_700_000_000_000L;
        try (KafkaProducer<String, SensorReading> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                Topics.SENSOR_READINGS.keySerde().serializer(), Topics.SENSOR_READINGS.valueSerde().serializer())) {
            List<SensorReading> readings = new java.util.ArrayList<>();
            for (long s = 0; s < 10; s++) {
                readings.add(reading("good", s, t0 + 50 * s, Math.sin(s)));
            }
            readings.add(reading("good", 10, t0 + 500, Double.NaN));
            readings.add(reading("good", 11, t0 + 550, 0.1, 0.2)); // two values for a one-channel system
            readings.add(reading("good", 9, t0 + 400, 0.3)); // backwards, not later: out of order
            readings.add(reading("good", 9, t0 + 600, 0.3)); // repeats the last sequence
            readings.add(reading("good", 1_000_000_000_000_000L, t0 + 650, 0.3)); // implausible jump
            readings.add(reading("good", -5, t0 + 700, 0.3));
            readings.add(reading("x".repeat(300), 0, t0, 0.3));
            for (long s = 0; s < 10; s++) {
                readings.add(reading("reboot", s, t0 + 50 * s, 0.5));
            }
            for (long s = 0; s < 4; s++) { // the sensor rebooted: sequence from 0 again, time later
                readings.add(reading("reboot", s, t0 + 10_000 + 50 * s, 0.7));
            }
            for (SensorReading r : readings) {
                producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS.name(), r.getSensorId(), r)).get();
            }
        }
        ReadingsSnapshot snapshot = ReadingsSnapshot.read(broker.bootstrapServers(), SystemKind.PENDULUM, 10_000,
                Duration.ofSeconds(30));
        assertThat(snapshot.series().keySet()).containsExactlyInAnyOrder("good", "reboot");
        assertThat(snapshot.sequences().get("good")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(snapshot.series().get("good")).allSatisfy(v -> assertThat(v).hasSize(1).doesNotContain(Double.NaN));
        // only the newest session of the rebooted sensor: its samples never mix with the old session's
        assertThat(snapshot.sequences().get("reboot")).containsExactly(0, 1, 2, 3);
        assertThat(snapshot.series().get("reboot")).allSatisfy(v -> assertThat(v[0]).isEqualTo(0.7));
        assertThat(snapshot.invalid()).isEqualTo(7);
    }
}
