package io.hybridcast.kafka.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker's SASL_SSL listener: the round-trip contract with the client settings, and refusals without them. */
class SaslSslBrokerTest extends BrokerRoundTripContract {

    @TempDir
    static Path dir;
    private static SaslSslListener tls;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        tls = SaslSslListener.generate(dir.resolve("tls"));
        broker = EmbeddedKafkaBroker.builder().saslSsl(tls).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Override
    protected String bootstrapServers() {
        return broker.saslSslBootstrapServers();
    }

    @Override
    protected Map<String, String> clientProperties() {
        return tls.clientProperties();
    }

    private static Map<String, Object> admin(Map<String, String> security) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslSslBootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
        return config;
    }

    @Test
    void aWrongPasswordIsRefusedAsAnAuthenticationFailure() {
        try (Admin admin = Admin.create(admin(tls.clientProperties(tls.username(), "wrong")))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aPlaintextClientGetsNothingFromTheSecuredListener() {
        try (Admin admin = Admin.create(admin(Map.of()))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void theClientConfigFileHoldsWhatAClientNeeds() throws Exception {
        Path file = tls.writeClientConfig(dir.resolve("client.properties"));
        Properties read = new Properties();
        try (var in = Files.newInputStream(file)) {
            read.load(in);
        }
        assertThat(read).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsKey("sasl.jaas.config").containsEntry("ssl.truststore.location",
                        tls.truststore().toAbsolutePath().toString());
        Map<String, String> fromFile = new HashMap<>();
        read.stringPropertyNames().forEach(k -> fromFile.put(k, read.getProperty(k)));
        try (Admin admin = Admin.create(admin(fromFile))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }

    @Test
    void withoutTheListenerThereIsNoSecuredAddress() {
        try (EmbeddedKafkaBroker plain = EmbeddedKafkaBroker.builder().start()) {
            assertThatThrownBy(plain::saslSslBootstrapServers).hasMessageContaining("saslSsl");
        }
    }
}
