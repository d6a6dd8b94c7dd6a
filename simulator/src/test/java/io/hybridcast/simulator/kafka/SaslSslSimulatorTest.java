package io.hybridcast.simulator.kafka;

import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.kafka.embedded.SaslSslListener;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.SimulatorCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator publishes to a SASL_SSL listener when given the client properties file with --kafka-config, and
 * stops with a clear error without it or with a bad one.
 */
class SaslSslSimulatorTest {

    @TempDir
    static Path dir;
    static SaslSslListener tls;
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        tls = SaslSslListener.generate(dir.resolve("tls"));
        broker = EmbeddedKafkaBroker.builder().saslSsl(tls).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private record Run(int rc, String out, String err) {
    }

    private static Run simulate(String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SimulatorCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] base = {"--bootstrap-servers", broker.saslSslBootstrapServers(), "--rate", "max",
            "--max-records", "200", "--pendulums", "2", "--advection-diffusion", "0", "--double-pendulums", "0"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        int rc = cli.execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void publishesOverSaslSslWithTheKafkaConfigFile() {
        Path file = tls.writeClientConfig(dir.resolve("client.properties"));
        Run run = simulate("--kafka-config", file.toString());
        assertThat(run.rc()).as(run.err()).isZero();
        assertThat(run.out()).contains("200 readings (200 acked, 0 failed)");
        // read back through the broker's plaintext listener: the records are really there
        assertThat(TopicReader.readAtLeast(broker.bootstrapServers(), Topics.SENSOR_READINGS, 200,
                Duration.ofSeconds(20))).hasSizeGreaterThanOrEqualTo(200);
    }

    @Test
    void withoutTheFileTheSecuredClusterCannotBeReachedAndTheRunStops() {
        Run run = simulate();
        assertThat(run.rc()).isEqualTo(1);
        assertThat(run.err()).contains("Cannot reach the Kafka cluster");
    }

    @Test
    void wrongCredentialsAreAnAuthenticationError() {
        Path file = SaslSslListener.writeClientConfig(dir.resolve("wrong.properties"),
                tls.clientProperties(tls.username(), "not-the-password"));
        Run run = simulate("--kafka-config", file.toString());
        assertThat(run.rc()).isEqualTo(1);
        assertThat(run.err()).contains("Authentication failed").contains("SCRAM-SHA-512");
    }

    @Test
    void aBadFileIsAUsageErrorNamingTheFileAndTheKey() {
        Path file = SaslSslListener.writeClientConfig(dir.resolve("typo.properties"),
                java.util.Map.of("security.protocol", "SASL_SSL", "sasl.mechansim", "PLAIN"));
        Run run = simulate("--kafka-config", file.toString());
        assertThat(run.rc()).isEqualTo(2);
        assertThat(run.err()).contains(file.toString()).contains("sasl.mechansim");
    }
}
