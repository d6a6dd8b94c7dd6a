package io.hybridcast.schemas.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kafka client properties file every service reads (given as {@code --kafka-config FILE} or the
 * {@value #ENVIRONMENT_VARIABLE} environment variable): how to reach a secured cluster ({@code security.protocol},
 * {@code ssl.*}, {@code sasl.*}, ...) and client tuning, in the format of Kafka's own {@code client.properties}.
 * Loaded and validated once at start-up; {@link #merge} then adds it to every producer, consumer, admin client and
 * Kafka Streams configuration a service builds.
 *
 * <p>Which keys win: the file fills in, the service decides. A key the service sets itself on a client (its
 * idempotence, isolation level, fetch sizes, client id, ...) keeps the service's value, because the service's
 * guarantees depend on it; the file's value is ignored with a warning naming the key. Keys that define what a
 * service does rather than how it connects ({@link #SERVICE_KEYS}: the cluster address, serializers, groups,
 * transactions, delivery and offset semantics) are refused in the file: they have their own settings, and a
 * file value that silently lost would mislead.
 *
 * <p>A bad file fails at start-up with a message naming the file and the problem: unreadable, an unknown key
 * (a typo such as {@code sasl.mechansim}), a refused key, a value Kafka would reject, or a key store or trust
 * store that does not exist. Secrets (every key of Kafka's PASSWORD type, e.g. {@code sasl.jaas.config},
 * {@code ssl.truststore.password}) are never logged or shown in errors.
 */
public final class KafkaClientConfig {

    /** The environment variable every service reads the file's path from when no flag gives it. */
    public static final String ENVIRONMENT_VARIABLE = "HYBRIDCAST_KAFKA_CONFIG";

    /** Keys the file may not set: each service sets them itself (see the class comment). */
    public static final Set<String> SERVICE_KEYS = Collections.unmodifiableSet(new TreeSet<>(List.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.ACKS_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)));

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientConfig.class);
    private static final KafkaClientConfig NONE = new KafkaClientConfig(null, Map.of());
    /** Every producer, consumer and admin setting Kafka knows, with its type and validator. */
    private static final Map<String, ConfigDef.ConfigKey> KNOWN = known();

    private final Path file;
    private final Map<String, String> properties;
    /** Keys already warned about, per client, so a client built every training run warns once. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private KafkaClientConfig(Path file, Map<String, String> properties) {
        this.file = file;
        this.properties = properties;
    }

    /** No file: clients get only what the service sets (a plaintext cluster). */
    public static KafkaClientConfig none() {
        return NONE;
    }

    /** {@link #none()} for a blank path (an unset flag or variable), else {@link #load(Path)}. */
    public static KafkaClientConfig load(String path) {
        return path == null || path.isBlank() ? NONE : load(Path.of(path.strip()));
    }

    /**
     * Reads and validates a properties file.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static KafkaClientConfig load(Path file) {
        Properties raw = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            raw.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot read the Kafka client config file " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        Map<String, String> properties = new TreeMap<>();
        for (String key : raw.stringPropertyNames()) {
            properties.put(key, raw.getProperty(key).strip());
        }
        properties.forEach((key, value) -> check(file, key, value));
        KafkaClientConfig config = new KafkaClientConfig(file, Collections.unmodifiableMap(properties));
        LOG.info("Kafka client settings from {}: {}", file, config.describe());
        return config;
    }

    private static void check(Path file, String key, String value) {
        if (SERVICE_KEYS.contains(key)) {
            throw new IllegalArgumentException("Kafka client config file " + file + " sets '" + key + "', which each "
                    + "service sets itself" + (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                    ? " (give it with --bootstrap-servers)" : "") + "; remove it. The file may not set any of "
                    + SERVICE_KEYS);
        }
        ConfigDef.ConfigKey known = KNOWN.get(key);
        if (known == null) {
            throw new IllegalArgumentException("Kafka client config file " + file + ": unknown key '" + key
                    + "' (not a Kafka producer, consumer or admin client setting; a typo?)");
        }
        Object parsed;
        try {
            parsed = ConfigDef.parseType(key, value, known.type);
            if (known.validator != null) {
                known.validator.ensureValid(key, parsed);
            }
        } catch (ConfigException e) {
            String shown = known.type == ConfigDef.Type.PASSWORD ? "<secret>" : "'" + value + "'";
            throw new IllegalArgumentException("Kafka client config file " + file + ": " + key + " = " + shown
                    + " is invalid" + (known.type == ConfigDef.Type.PASSWORD ? "" : ": " + e.getMessage()), e);
        }
        // A key or trust store that is not there fails at the first connection with a less direct message.
        if (key.endsWith(".location") && !value.isEmpty() && !Files.isReadable(Path.of(value))) {
            throw new IllegalArgumentException("Kafka client config file " + file + ": " + key + " = '" + value
                    + "' is not a readable file");
        }
    }

    /**
     * A client's configuration: the file's properties, then the service's own on top (the service wins; a file
     * key the service overrides is logged once per client).
     *
     * @param own    what the service sets on this client, including {@code bootstrap.servers}
     * @param client the client's name for the warning, e.g. "trainer producer"
     */
    public Map<String, Object> merge(Map<String, ?> own, String client) {
        Map<String, Object> merged = new LinkedHashMap<>(properties);
        for (Map.Entry<String, ?> e : own.entrySet()) {
            String file = properties.get(e.getKey());
            if (file != null && !file.equals(String.valueOf(e.getValue())) && warned.add(client + "/" + e.getKey())) {
                LOG.warn("Kafka client config file {} sets {}, but the {} sets it itself; the file's value is ignored",
                        this.file, e.getKey(), client);
            }
            merged.put(e.getKey(), e.getValue());
        }
        return merged;
    }

    /** {@link #merge(Map, String)} for {@link Properties} (Kafka Streams, the model watcher). */
    public Properties merge(Properties own, String client) {
        Map<String, Object> asMap = new LinkedHashMap<>();
        own.forEach((k, v) -> asMap.put(String.valueOf(k), v));
        Properties merged = new Properties();
        merged.putAll(merge(asMap, client));
        return merged;
    }

    /** The file this came from; empty for {@link #none()}. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The file's properties, secrets included: only for building clients. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The properties for logs: every secret shown as {@code [hidden]}. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, KNOWN.get(k).type == ConfigDef.Type.PASSWORD ? "[hidden]" : v));
        return shown.toString();
    }

    /** The file's path as given, or "" without one: the value of a {@code kafka.config} setting. */
    @Override
    public String toString() {
        return file == null ? "" : file.toString();
    }

    private static Map<String, ConfigDef.ConfigKey> known() {
        Map<String, ConfigDef.ConfigKey> known = new TreeMap<>();
        known.putAll(AdminClientConfig.configDef().configKeys());
        known.putAll(ConsumerConfig.configDef().configKeys());
        known.putAll(ProducerConfig.configDef().configKeys());
        return Collections.unmodifiableMap(known);
    }
}
