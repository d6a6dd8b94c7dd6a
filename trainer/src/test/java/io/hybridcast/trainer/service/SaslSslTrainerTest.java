package io.hybridcast.trainer.service;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.kafka.embedded.SaslSslListener;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.trainer.TrainerCommand;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The trainer against a broker's SASL_SSL listener: with the Kafka client properties file it reads the readings
 * (published by the simulator over the same listener) and publishes a model version in a transaction; with
 * wrong credentials the run fails with the authentication error.
 */
class SaslSslTrainerTest {

    @TempDir
    static Path dir;
    static SaslSslListener tls;
    static EmbeddedKafkaBroker broker;
    static KafkaClientConfig config;

    @BeforeAll
    static void feed() throws Exception {
        tls = SaslSslListener.generate(dir.resolve("tls"));
        broker = EmbeddedKafkaBroker.builder().saslSsl(tls).start();
        config = KafkaClientConfig.load(tls.writeClientConfig(dir.resolve("client.properties")));
        try (FleetSimulator fleet = FleetSimulator.builder().bootstrapServers(broker.saslSslBootstrapServers())
                .kafkaConfig(config).topicPartitions(2)
                .pendulums(3).advectionDiffusion(0).doublePendulums(0).rate(Rate.AS_FAST_AS_POSSIBLE)
                .maxRecords(3 * 1200).seed(5).build().start()) {
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(60))).isTrue();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static TrainerSettings settings(KafkaClientConfig kafka) {
        return TrainerSettings.builder().setBootstrapServers(broker.saslSslBootstrapServers())
                .setSystem(SystemKind.PENDULUM).setHmacKey("secret").optMaxReadingsPerPartition(100_000)
                .optWindows(50, 20, 25).optEpochs(2, 8).optPromotion(TrainerSettings.Promotion.ALWAYS).optSeed(11)
                .optKafkaConfig(kafka).build();
    }

    @Test
    void withTheFileItReadsReadingsAndPublishesAVersion() {
        try (TrainerService trainer = new TrainerService(settings(config))) {
            TrainerService.Outcome outcome = trainer.runOnce();
            assertThat(outcome.kind()).as(outcome.reason()).isEqualTo(TrainerService.Outcome.Kind.PUBLISHED);
            assertThat(outcome.candidate().windows()).isGreaterThan(0);
        }
        // read back over the secured listener too, as the streams app would
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ServedVersion.Lookup lookup;
        do {
            lookup = ServedVersion.lookup(broker.saslSslBootstrapServers(), config, SystemKind.PENDULUM, "secret",
                    Duration.ofSeconds(30));
        } while (lookup.newest().isEmpty() && System.nanoTime() < deadline);
        assertThat(lookup.newest()).isPresent();
        assertThat(lookup.newest().get().version()).isEqualTo(1);
    }

    @Test
    void wrongCredentialsFailTheRunWithTheAuthenticationError() {
        KafkaClientConfig wrong = KafkaClientConfig.load(SaslSslListener.writeClientConfig(
                dir.resolve("wrong.properties"), tls.clientProperties(tls.username(), "not-the-password")));
        try (TrainerService trainer = new TrainerService(settings(wrong))) {
            assertThatThrownBy(trainer::runOnce).isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("SCRAM-SHA-512");
        }
    }

    @Test
    void theServiceCommandTakesTheFileAndNamesABadOne() {
        Path typo = SaslSslListener.writeClientConfig(dir.resolve("typo.properties"),
                Map.of("security.protocol", "SASL_SSL", "sasl.mechansim", "PLAIN"));
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("service", "--hmac-key", "k", "--kafka-config", typo.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(typo.toString()).contains("sasl.mechansim");

        ServiceCommand command = new ServiceCommand();
        new CommandLine(command).parseArgs("--hmac-key", "k", "--kafka-config",
                dir.resolve("client.properties").toString());
        assertThat(command.settings(SystemKind.PENDULUM).kafkaConfig().properties())
                .containsEntry("security.protocol", "SASL_SSL");
    }
}
