package io.hybridcast.streams.config;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.schemas.kafka.KafkaClientConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Every setting of the streams app, typed, documented, validated and with defaults: the one place where the
 * service is configured. Values are layered: defaults, then a properties file, then the environment
 * ({@code HYBRIDCAST_STREAMS_<KEY>}), then command-line flags ({@code --set key=value}); a later layer wins.
 * Unknown keys and bad values fail at start-up with a message naming the setting, the value and its source.
 *
 * <p>Windowing settings exist once per {@link SystemKind}, under the system's lower-case name, e.g.
 * {@code pendulum.hop}; see {@link SystemSettings}.
 */
public final class StreamsSettings {

    // ---- Kafka ----
    public static final Setting<String> BOOTSTRAP_SERVERS = new Setting<>("bootstrap.servers",
            "Kafka bootstrap servers, host:port[,host:port].", "localhost:9092", Setting.nonBlank(), false);
    public static final Setting<String> APPLICATION_ID = new Setting<>("application.id",
            "Kafka Streams application id: consumer group, prefix of internal topics and of state folders.",
            "hybridcast-streams", Setting.nonBlank(), false);
    public static final Setting<String> PROCESSING_GUARANTEE = new Setting<>("processing.guarantee",
            "exactly_once_v2 (default: no forecast, anomaly or state change is lost or doubled) or at_least_once.",
            "exactly_once_v2", Setting.oneOf("exactly_once_v2", "at_least_once"), false);
    public static final Setting<Integer> STREAM_THREADS = new Setting<>("num.stream.threads",
            "Stream threads of this instance; each owns its tasks and its own inference batches.", "1",
            Setting.intBetween(1, 64), false);
    public static final Setting<Long> COMMIT_INTERVAL_MS = new Setting<>("commit.interval.ms",
            "How often state and offsets are committed, milliseconds; under exactly-once output is visible only at a "
                    + "commit, so this adds up to its length to end-to-end latency (100 alone exceeded the 50 ms p99 "
                    + "target; each commit also writes back every changed sensor's state, so a shorter interval writes "
                    + "more changelog bytes: docs/streams-app.md \"The commit interval on an idle host\").",
            "10", Setting.longBetween(1, 600_000), false);
    public static final Setting<Boolean> COMMIT_ON_FORECAST = new Setting<>("commit.on.forecast",
            "Request a commit as soon as a batch has emitted its forecasts: under exactly-once a forecast is visible "
                    + "only at its transaction's commit, so it need not also wait for the rest of commit.interval.ms. "
                    + "Default false: each batch then costs a commit, and on 2 shared cores the commits of a burst of "
                    + "due sensors made the thread fall behind (docs/decisions.md, \"Commits that follow the "
                    + "forecasts\").",
            "false", Setting.bool(), false);
    public static final Setting<Set<SystemKind>> SYSTEMS = new Setting<>("systems",
            "Comma-separated system kinds this app serves; readings of any other system go to dead-letters.",
            "PENDULUM,ADVECTION_DIFFUSION,DOUBLE_PENDULUM", StreamsSettings::parseSystems, false);
    public static final Setting<KafkaClientConfig> KAFKA_CONFIG = new Setting<>("kafka.config",
            "Kafka client properties file (security.protocol, ssl.*, sasl.*, ...) added to every Kafka client of the "
                    + "app; keys the app sets itself win. Empty: none. Also HYBRIDCAST_KAFKA_CONFIG (README).", "",
            KafkaClientConfig::load, false);

    // ---- inference batching ----
    public static final Setting<Integer> BATCH_MAX_SIZE = new Setting<>("batch.max.size",
            "Size trigger: a batch of due sensors is inferred as soon as it holds this many (a model call costs "
                    + "about the same for 1 or 256 windows, so large batches raise throughput).", "256",
            Setting.intBetween(1, 4096), false);
    public static final Setting<Long> BATCH_MAX_LATENCY_MS = new Setting<>("batch.max.latency.ms",
            "Latency trigger: due sensors wait at most this long (wall clock, ms) before a smaller batch runs; 0 infers "
                    + "each sensor as soon as it is due. With batch.mode=round, a batch that holds 90 % of its round of "
                    + "sensors hopping together and is still filling waits up to 4 times as long for the rest.",
            "5", Setting.longBetween(0, 60_000), false);
    public static final Setting<String> BATCH_MODE = new Setting<>("batch.mode",
            "micro (default): the due sensors run together once the oldest has waited batch.max.latency.ms (or "
                    + "batch.max.size are due), never waiting for other sensors; round: a round of sensors hopping "
                    + "together also runs at once when complete, and a nearly complete one waits for the rest (fewer, "
                    + "larger model calls: worth it only when a call's fixed cost dominates, as with the DJL engine).",
            "micro", Setting.oneOf("micro", "round"), false);

    public static final Setting<String> FORECAST_PHASE = new Setting<>("forecast.phase",
            "staggered (default): a sensor's forecasts fall at an offset within its hop fixed by its id (hash "
                    + "modulo the hop), so sensors that sample in step do not all become due in the same sample period "
                    + "and queue behind each other's inference; aligned: every sensor at offset 0 (its forecasts at "
                    + "window length + n x hop contiguous samples) (docs/decisions.md \"Staggered hops\").",
            "staggered", Setting.oneOf("staggered", "aligned"), false);

    public static final Setting<String> FORECAST_MODEL_BAND = new Setting<>("forecast.model.band",
            "until-calibrated (default): the model computes a sensor's forecast band (its 2d + 1 sigma-point "
                    + "decodes) only while the sensor's own errors do not yet set the published band at every horizon "
                    + "step (forecast.calibration.warmup); after that only the decode of the posterior mean, about a "
                    + "ninth of the model's ODE work for the pendulum, with the same published forecast. always: every "
                    + "forecast computes the model's band (the served kernel; the DJL fallback always does).",
            "until-calibrated", Setting.oneOf("until-calibrated", "always"), false);


    // ---- validation ----
    public static final Setting<Long> FUTURE_TOLERANCE_MS = new Setting<>("validation.future.tolerance.ms",
            "A reading whose event time is further than this ahead of the wall clock (ms) goes to dead-letters.",
            "60000", Setting.longBetween(0, 365L * 24 * 3600 * 1000), false);

    // ---- model versions ----
    public static final Setting<String> MODEL_HMAC_KEY = new Setting<>("model.hmac.key",
            "Shared HMAC-SHA256 key; when set, only model versions signed with it are accepted. Empty: none.",
            "", text -> text, true);
    public static final Setting<Boolean> MODEL_ALLOW_UNSIGNED = new Setting<>("model.allow.unsigned",
            "Accept unsigned model versions when model.hmac.key is empty (default false: every version is refused "
                    + "until the trainer's key is configured). True lets anyone who can write model-versions put a "
                    + "model in service; an unsigned version may then be at most 1000 above the one serving.",
            "false", Setting.bool(), false);
    public static final Setting<String> MODEL_BAND_METHOD = new Setting<>("model.band.method",
            "How the 95 % bands are formed from the posterior: sigma-points (default: 2d + 1 deterministic decodes "
                    + "per forecast, the unscented transform) or monte-carlo (model.posterior.samples random draws).",
            "sigma-points", text -> {
                BandMethod.parse(text);
                return text;
            }, false);
    public static final Setting<Integer> MODEL_SAMPLES = new Setting<>("model.posterior.samples",
            "Posterior samples drawn per forecast to form the 95 % bands when model.band.method is monte-carlo.",
            "16", Setting.intBetween(2, 4096), false);

    // ---- API ----
    public static final Setting<String> HTTP_HOST = new Setting<>("http.host",
            "Address the HTTP API and dashboard bind to; localhost unless you mean to expose them.", "127.0.0.1",
            Setting.nonBlank(), false);
    public static final Setting<Integer> HTTP_PORT = new Setting<>("http.port",
            "Port of the HTTP API and dashboard; 0 picks a free port.", "8080", Setting.intBetween(0, 65535), false);
    public static final Setting<Integer> HISTORY_SIZE = new Setting<>("api.history.size",
            "How many z_p estimates and anomalies are kept per sensor for the API and dashboard.", "200",
            Setting.intBetween(1, 100_000), false);


    // ---- wire format ----
    public static final Setting<String> SCHEMA_REGISTRY_URL = new Setting<>("schema.registry.url",
            "Schema registry with the Confluent-compatible API (e.g. http://apicurio:8080/apis/ccompat/v7): when set, "
                    + "records are written in its wire format (magic byte 0 + 4-byte schema id) for Kafka Connect, "
                    + "ksqlDB and other registry consumers. Empty (default): Avro single-object encoding, no registry. "
                    + "Both are read either way. Also HYBRIDCAST_SCHEMA_REGISTRY_URL (README).", "", text -> {
                io.hybridcast.schemas.registry.SchemaRegistryClient.ofOrNone(text);
                return text;
            }, false);
    private static final List<Setting<?>> WIRE_FORMAT = List.of(SCHEMA_REGISTRY_URL);

    private static final List<Setting<?>> SENSOR_LEVEL = List.of(AnomalySettings.PHYSICS_FORGETTING,
            AnomalySettings.PHYSICS_REVEALED_WALK, AnomalySettings.RECENT_WINDOWS,
            AnomalySettings.LONG_RUN_MIN_WINDOWS, AnomalySettings.DRIFT_MIN_RELATIVE_CHANGE,
            AnomalySettings.UNMODELLED_MIN_SHIFT);

    private static final List<Setting<?>> GLOBAL = List.of(BOOTSTRAP_SERVERS, APPLICATION_ID,
            PROCESSING_GUARANTEE, STREAM_THREADS, COMMIT_INTERVAL_MS, COMMIT_ON_FORECAST, SYSTEMS, KAFKA_CONFIG, BATCH_MAX_SIZE,
            BATCH_MAX_LATENCY_MS, BATCH_MODE, FORECAST_PHASE, FORECAST_MODEL_BAND,
            FUTURE_TOLERANCE_MS, AnomalySettings.STUCK_SAMPLES, AnomalySettings.STUCK_TOLERANCE, AnomalySettings.SPIKE_THRESHOLD, AnomalySettings.DROPOUT_MIN_MISSING, AnomalySettings.SILENCE_SAMPLES,
            AnomalySettings.FAULT_CLEAR_SAMPLES, AnomalySettings.NOISE_ARL_SAMPLES, AnomalySettings.DEVIATION_THRESHOLD, AnomalySettings.DEVIATION_RAISE, AnomalySettings.DEVIATION_CLEAR, AnomalySettings.DEVIATION_CALIBRATION,
            AnomalySettings.DEVIATION_ARL_SAMPLES,
            AnomalySettings.DRIFT_THRESHOLD, AnomalySettings.DRIFT_FORCED_THRESHOLD,
            AnomalySettings.UNMODELLED_SIGMAS, AnomalySettings.UNMODELLED_WARMUP,
            AnomalySettings.UNMODELLED_TRANSPORT_THRESHOLD, AnomalySettings.UNMODELLED_TRANSPORT_MIN_CHANGE,
            AnomalySettings.UNMODELLED_DECAY_THRESHOLD,
            AnomalySettings.FORECAST_CALIBRATION_WARMUP, AnomalySettings.FORECAST_CALIBRATION_ALPHA, AnomalySettings.MODEL_RAISE, AnomalySettings.MODEL_CLEAR, MODEL_HMAC_KEY,
            MODEL_ALLOW_UNSIGNED,
            MODEL_BAND_METHOD, MODEL_SAMPLES, HTTP_HOST, HTTP_PORT,
            HISTORY_SIZE);

    /** Per-system settings, keyed by the system. */
    private static final Map<SystemKind, SystemSettings.Keys> PER_SYSTEM = new EnumMap<>(SystemKind.class);

    static {
        for (SystemKind kind : SystemKind.values()) {
            PER_SYSTEM.put(kind, SystemSettings.Keys.of(kind));
        }
    }

    private final Map<String, Object> values;
    private final Map<SystemKind, SystemSettings> systems;

    private StreamsSettings(Map<String, Object> values, Map<SystemKind, SystemSettings> systems) {
        this.values = values;
        this.systems = systems;
    }

    /** Every setting, global ones first, then the per-system ones. */
    public static List<Setting<?>> all() {
        List<Setting<?>> all = new ArrayList<>(GLOBAL);
        all.addAll(SENSOR_LEVEL);
        all.addAll(StateSettings.ALL);
        all.addAll(FailOverSettings.ALL);
        all.addAll(WIRE_FORMAT);
        PER_SYSTEM.values().forEach(keys -> all.addAll(keys.all()));
        return Collections.unmodifiableList(all);
    }

    /** The defaults. */
    public static StreamsSettings defaults() {
        return fromMap(Map.of(), "defaults");
    }

    /** Settings from explicit key/value pairs (on top of the defaults); the source names them in errors. */
    public static StreamsSettings fromMap(Map<String, String> overrides, String source) {
        return load(null, Map.of(), overrides, source);
    }

    /**
     * The full layering: defaults, then {@code file} (may be null), then environment variables with the
     * {@value Setting#ENV_PREFIX} prefix, then {@code flags}.
     */
    public static StreamsSettings load(Path file, Map<String, String> environment, Map<String, String> flags) {
        return load(file, environment, flags, "flag");
    }

    private static StreamsSettings load(Path file, Map<String, String> environment, Map<String, String> flags,
                                        String flagSource) {
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        all().forEach(s -> byKey.put(s.key(), s));
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();
        byKey.values().forEach(s -> {
            raw.put(s.key(), s.defaultValue());
            sourceOf.put(s.key(), "default");
        });
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new SettingsException("Cannot read settings file " + file + ": " + e.getMessage());
            }
            for (String key : properties.stringPropertyNames()) {
                put(byKey, raw, sourceOf, key, properties.getProperty(key), "file " + file);
            }
        }
        Map<String, Setting<?>> byEnv = new LinkedHashMap<>();
        byKey.values().forEach(s -> byEnv.put(s.environmentName(), s));
        for (Map.Entry<String, String> e : environment.entrySet()) {
            if (!e.getKey().startsWith(Setting.ENV_PREFIX)) {
                continue;
            }
            Setting<?> setting = byEnv.get(e.getKey());
            if (setting == null) {
                throw new SettingsException("Unknown environment variable " + e.getKey() + ": no streams-app setting "
                        + "has this name. Known: " + String.join(", ", byEnv.keySet()));
            }
            raw.put(setting.key(), e.getValue());
            sourceOf.put(setting.key(), "environment variable " + e.getKey());
        }
        flags.forEach((key, value) -> put(byKey, raw, sourceOf, key, value, flagSource));

        Map<String, Object> typed = new LinkedHashMap<>();
        for (Setting<?> setting : byKey.values()) {
            typed.put(setting.key(), setting.parse(raw.get(setting.key()), sourceOf.get(setting.key())));
        }
        FailOverSettings.check(typed, sourceOf);
        Map<SystemKind, SystemSettings> systems = new EnumMap<>(SystemKind.class);
        PER_SYSTEM.forEach((kind, keys) -> systems.put(kind, keys.read(kind, typed, sourceOf)));
        return new StreamsSettings(Collections.unmodifiableMap(typed), systems);
    }

    private static void put(Map<String, Setting<?>> byKey, Map<String, String> raw, Map<String, String> sourceOf,
                            String key, String value, String source) {
        if (!byKey.containsKey(key)) {
            throw new SettingsException("Unknown setting '" + key + "' (from " + source + "). Known settings: "
                    + String.join(", ", byKey.keySet()));
        }
        raw.put(key, value);
        sourceOf.put(key, source);
    }

    /** A copy with some settings replaced (validated like any other source). */
    public StreamsSettings with(Map<String, String> overrides) {
        Map<String, String> asText = new LinkedHashMap<>();
        all().forEach(s -> asText.put(s.key(), s.secret() ? String.valueOf(values.get(s.key())) : textOf(s)));
        asText.putAll(overrides);
        return fromMap(asText, "override");
    }

    private String textOf(Setting<?> setting) {
        Object value = values.get(setting.key());
        if (value instanceof Set<?> set) {
            return String.join(",", set.stream().map(Object::toString).toList());
        }
        return String.valueOf(value);
    }

    /** The typed value of a setting. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting.key());
        if (value == null && !values.containsKey(setting.key())) {
            throw new IllegalArgumentException("Not a streams-app setting: " + setting.key());
        }
        return (T) value;
    }

    /** Windowing settings of one system. */
    public SystemSettings system(SystemKind kind) {
        return systems.get(kind);
    }

    /** The systems this app serves. */
    public Set<SystemKind> servedSystems() {
        return get(SYSTEMS);
    }

    /** Every value as text, secrets masked: for the start-up log line and the API. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        all().forEach(s -> out.put(s.key(), s.secret() ? (String.valueOf(values.get(s.key())).isEmpty()
                ? "" : "<set>") : textOf(s)));
        return out;
    }

    private static Set<SystemKind> parseSystems(String text) {
        Set<SystemKind> kinds = EnumSet.noneOf(SystemKind.class);
        for (String part : text.split(",")) {
            String name = part.strip().toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            try {
                kinds.add(SystemKind.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown system '" + part.strip() + "', expected some of "
                        + Arrays.toString(SystemKind.values()));
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("must name at least one system");
        }
        return Collections.unmodifiableSet(kinds);
    }
}
