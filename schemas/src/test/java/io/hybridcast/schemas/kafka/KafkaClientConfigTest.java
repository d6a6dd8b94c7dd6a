package io.hybridcast.schemas.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientConfigTest {

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theFileFillsInAndTheServiceWinsOnTheKeysItSets() throws IOException {
        Path truststore = Files.writeString(dir.resolve("truststore.p12"), "not parsed here");
        KafkaClientConfig config = KafkaClientConfig.load(file("""
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                    username="svc" password="s3cret";
                ssl.truststore.location=%s
                ssl.truststore.password=changeit
                max.partition.fetch.bytes=1048576
                """.formatted(truststore)));

        Map<String, Object> merged = config.merge(Map.of("bootstrap.servers", "b:9093",
                "max.partition.fetch.bytes", 9_000_000), "test consumer");

        assertThat(merged).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", truststore.toString())
                .containsEntry("bootstrap.servers", "b:9093")
                .containsEntry("max.partition.fetch.bytes", 9_000_000);
        assertThat((String) merged.get("sasl.jaas.config")).contains("username=\"svc\"");
        assertThat(config.file()).contains(dir.resolve("client.properties"));

        Properties own = new Properties();
        own.put("application.id", "app");
        assertThat(config.merge(own, "streams")).containsEntry("application.id", "app")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void secretsNeverShowInTheDescriptionOrInErrors() throws IOException {
        KafkaClientConfig config = KafkaClientConfig.load(file("""
                security.protocol=SASL_PLAINTEXT
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";
                """));
        assertThat(config.describe()).contains("SASL_PLAINTEXT").contains("[hidden]").doesNotContain("hunter2");
    }

    @Test
    void noFileAddsNothingAndABlankPathIsNoFile() {
        assertThat(KafkaClientConfig.load("  ")).isSameAs(KafkaClientConfig.none());
        assertThat(KafkaClientConfig.load((String) null)).isSameAs(KafkaClientConfig.none());
        assertThat(KafkaClientConfig.none().merge(Map.of("bootstrap.servers", "b:1"), "x"))
                .containsExactlyEntriesOf(Map.of("bootstrap.servers", "b:1"));
        assertThat(KafkaClientConfig.none().toString()).isEmpty();
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> KafkaClientConfig.load(missing.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("NoSuchFile");
    }

    @Test
    void anUnknownKeyIsATypoNamedWithTheFile() throws IOException {
        Path file = file("security.protocol=SASL_SSL\nsasl.mechansim=PLAIN\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(file))
                .hasMessageContaining(file.toString()).hasMessageContaining("unknown key 'sasl.mechansim'");
    }

    @Test
    void keysThatDefineWhatAServiceDoesAreRefused() throws IOException {
        Path bootstrap = file("bootstrap.servers=elsewhere:9092\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(bootstrap))
                .hasMessageContaining(bootstrap.toString()).hasMessageContaining("'bootstrap.servers'")
                .hasMessageContaining("--bootstrap-servers");
        Path isolation = file("isolation.level=read_uncommitted\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(isolation)).hasMessageContaining("'isolation.level'");
    }

    @Test
    void aValueKafkaWouldRejectIsNamedButASecretIsNotShown() throws IOException {
        Path protocol = file("security.protocol=SASL_SSLX\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(protocol))
                .hasMessageContaining(protocol.toString()).hasMessageContaining("security.protocol")
                .hasMessageContaining("SASL_SSLX");
        Path number = file("request.timeout.ms=soon\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(number)).hasMessageContaining("request.timeout.ms")
                .hasMessageContaining("soon");
    }

    @Test
    void aMissingTrustStoreIsNamedAtStartNotAtTheFirstConnection() throws IOException {
        Path file = file("security.protocol=SSL\nssl.truststore.location=/no/such/truststore.p12\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(file))
                .hasMessageContaining(file.toString()).hasMessageContaining("ssl.truststore.location")
                .hasMessageContaining("/no/such/truststore.p12");
    }
}
