package io.hybridcast.local;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalStackTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new LocalStack());
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void aBadFlagNamesTheSettingAndTheValue() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "--partitions", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--partitions").contains("got 0");

        err = new StringWriter();
        assertThat(run(err, "--pendulums", "0", "--advection-diffusion", "0", "--double-pendulums", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("at least one sensor");

        err = new StringWriter();
        assertThat(run(err, "--random-faults", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--random-faults").contains("got -1");

        err = new StringWriter();
        assertThat(run(err, "--kafka-port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("--kafka-port").contains("70000");
    }

    @Test
    void theWholeStackRunsAndShutsDownOnItsOwn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
            throws Exception {
        StringWriter err = new StringWriter();
        int exit = run(err, "--kafka-port", "0", "--duration", "3", "--status-interval", "1", "--rate", "max",
                "--pendulums", "1", "--advection-diffusion", "0", "--double-pendulums", "0",
                "--data-dir", data.toString());
        assertThat(exit).as(err.toString()).isZero();
        // the installation's own signing key, readable by its owner only
        java.nio.file.Path key = data.resolve(InstallationKey.FILE_NAME);
        assertThat(java.nio.file.Files.readString(key).strip()).matches("[0-9a-f]{64}");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void statusCountsTheRecordsOnEachTopic() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
            try (KafkaProducer<String, SensorReading> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    Topics.SENSOR_READINGS.keySerde().serializer(), Topics.SENSOR_READINGS.valueSerde().serializer())) {
                for (int i = 0; i < 7; i++) {
                    producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS.name(), "p-" + (i % 3),
                            SensorReading.newBuilder().setSensorId("p-" + (i % 3)).setSystem(SystemKind.PENDULUM)
                                    .setSequence(i).setEventTime(Instant.EPOCH).setValues(List.of(0.1)).build()));
                }
            }
            TopicStatus status = new TopicStatus(admin);
            assertThat(status.endOffsets()).containsEntry(Topics.SENSOR_READINGS.name(), 7L)
                    .containsEntry(Topics.FORECASTS.name(), 0L);
            assertThat(status.line()).contains(Topics.SENSOR_READINGS.name() + "=7");
        }
    }
}
