package io.hybridcast.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A SASL_SSL listener for the {@link EmbeddedKafkaBroker}: TLS with a self-signed certificate for 127.0.0.1 made
 * on the spot with the JDK's {@code keytool}, and one SCRAM-SHA-512 user with a random password, written into the
 * broker's metadata when its storage is formatted. {@link #clientProperties()} is what a client needs to connect
 * (the content of a Kafka {@code client.properties} file; {@link #writeClientConfig} writes one).
 *
 * <pre>{@code
 * SaslSslListener tls = SaslSslListener.generate(dir);
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().saslSsl(tls).start()) {
 *     Path clientConfig = tls.writeClientConfig(dir.resolve("client.properties"));
 *     ... broker.saslSslBootstrapServers() ...
 * }
 * }</pre>
 *
 * For tests and local trials only: the key material is throw-away and the passwords sit in the folder.
 */
public final class SaslSslListener {

    /** The SASL mechanism of the listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String NAME = "SASL_SSL";

    private final Path keystore;
    private final Path truststore;
    private final String storePassword;
    private final String username;
    private final String password;

    private SaslSslListener(Path keystore, Path truststore, String storePassword, String username, String password) {
        this.keystore = keystore;
        this.truststore = truststore;
        this.storePassword = storePassword;
        this.username = username;
        this.password = password;
    }

    /**
     * Generates the broker's key store and the clients' trust store (PKCS12) in {@code dir}, and a user
     * {@code hybridcast} with a random password.
     *
     * @throws IllegalStateException when keytool fails, with its output
     */
    public static SaslSslListener generate(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
        String storePassword = randomSecret();
        Path keystore = dir.resolve("broker.keystore.p12");
        Path certificate = dir.resolve("broker.crt");
        Path truststore = dir.resolve("client.truststore.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", storePassword, "-keypass", storePassword);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", storePassword, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", storePassword);
        return new SaslSslListener(keystore, truststore, storePassword, "hybridcast", randomSecret());
    }

    /** The SCRAM user clients log in as. */
    public String username() {
        return username;
    }

    /** The trust store (PKCS12) holding the broker's certificate. */
    public Path truststore() {
        return truststore;
    }

    /**
     * What a client sets to connect: {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}
     * and the trust store.
     */
    public Map<String, String> clientProperties() {
        return clientProperties(username, password);
    }

    /** Like {@link #clientProperties()} with other credentials, e.g. a wrong password for a negative test. */
    public Map<String, String> clientProperties(String user, String secret) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", NAME);
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + secret + "\";");
        p.put("ssl.truststore.location", truststore.toAbsolutePath().toString());
        p.put("ssl.truststore.password", storePassword);
        p.put("ssl.truststore.type", "PKCS12");
        return p;
    }

    /** Writes {@link #clientProperties()} as a properties file (the services' {@code --kafka-config}). */
    public Path writeClientConfig(Path file) {
        return writeClientConfig(file, clientProperties());
    }

    /** Writes the given client properties as a properties file. */
    public static Path writeClientConfig(Path file, Map<String, String> properties) {
        Properties p = new Properties();
        p.putAll(properties);
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Kafka client settings for the embedded broker's SASL_SSL listener");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Broker settings of the listener named {@value #NAME}. */
    Map<String, String> brokerConfig() {
        String prefix = "listener.name." + NAME.toLowerCase(java.util.Locale.ROOT) + ".";
        Map<String, String> p = new LinkedHashMap<>();
        p.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
        p.put(prefix + MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put(prefix + "ssl.keystore.location", keystore.toAbsolutePath().toString());
        p.put(prefix + "ssl.keystore.password", storePassword);
        p.put(prefix + "ssl.key.password", storePassword);
        p.put(prefix + "ssl.keystore.type", "PKCS12");
        return p;
    }

    /** The storage tool's argument that creates the user's SCRAM credential. */
    String scramCredential() {
        return MECHANISM + "=[name=" + username + ",password=" + password + "]";
    }

    private static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run keytool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted running keytool", e);
        }
    }
}
