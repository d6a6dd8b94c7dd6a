package io.hybridcast.local;

import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.kafka.embedded.SaslSslListener;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The local stack against an outside cluster's SASL_SSL listener, given the client properties file. */
class LocalStackSaslSslTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new LocalStack());
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void everyServiceOfTheStackWorksOverSaslSslWithTheFile(@TempDir Path dir) throws Exception {
        SaslSslListener tls = SaslSslListener.generate(dir.resolve("tls"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().saslSsl(tls).start()) {
            Path file = tls.writeClientConfig(dir.resolve("client.properties"));
            StringWriter err = new StringWriter();
            int exit = run(err, "--bootstrap-servers", broker.saslSslBootstrapServers(), "--kafka-config",
                    file.toString(), "--http-port", "0", "--duration", "15", "--status-interval", "1",
                    "--rate", "max", "--pendulums", "1", "--advection-diffusion", "0", "--double-pendulums", "0",
                    "--data-dir", dir.resolve("data").toString());
            assertThat(exit).as(err.toString()).isZero();
            // checked through the plaintext listener: the simulator published, the streams app consumed and committed
            try (Admin admin = broker.createAdmin()) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(Topics.SENSOR_READINGS.name());
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("hybridcast-streams")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                assertThat(committed.entrySet()).anySatisfy(e -> {
                    assertThat(e.getKey().topic()).isEqualTo(Topics.SENSOR_READINGS.name());
                    assertThat(e.getValue().offset()).isPositive();
                });
            }
        }
    }

    @Test
    void aFileWithoutAnOutsideClusterIsAUsageError(@TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("client.properties"), "security.protocol=SSL\n");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--kafka-config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--kafka-config").contains("--bootstrap-servers");

        err = new StringWriter();
        Path typo = java.nio.file.Files.writeString(dir.resolve("typo.properties"), "sasl.mechansim=PLAIN\n");
        assertThat(run(err, "--bootstrap-servers", "127.0.0.1:1", "--kafka-config", typo.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(typo.toString()).contains("sasl.mechansim");
    }
}
