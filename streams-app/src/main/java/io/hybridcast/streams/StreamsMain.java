package io.hybridcast.streams;

import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.streams.config.Setting;
import io.hybridcast.streams.config.SettingsException;
import io.hybridcast.streams.config.StreamsSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Command line of the streams app: {@code streams-app [--config FILE] [--set key=value]... [--list-settings]}.
 * Settings layer as described in {@link StreamsSettings}; the process runs until it is stopped (SIGTERM).
 */
@Command(name = "streams-app", mixinStandardHelpOptions = true,
        description = "Live few-shot forecasts, anomaly flags and model hot swap over Kafka Streams.")
public final class StreamsMain implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "Properties file with settings.")
    Path config;

    @Option(names = {"-s", "--set"}, description = "A setting, key=value; repeatable; wins over file and environment.")
    Map<String, String> flags = new LinkedHashMap<>();

    @Option(names = "--bootstrap-servers", description = "Shortcut for --set bootstrap.servers=...")
    String bootstrapServers;

    @Option(names = "--http-port", description = "Shortcut for --set http.port=...")
    Integer httpPort;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties file (security settings); shortcut for --set kafka.config=...")
    Path kafkaConfig;

    @Option(names = "--list-settings", description = "Print every setting with its default and meaning, then exit.")
    boolean listSettings;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamsMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (listSettings) {
            for (Setting<?> s : StreamsSettings.all()) {
                System.out.printf("%-40s default %-45s %s%n  env %s%n", s.key(), "'" + s.defaultValue() + "'", s.doc(),
                        s.environmentName());
            }
            return 0;
        }
        Map<String, String> all = new LinkedHashMap<>(flags);
        if (bootstrapServers != null) {
            all.put(StreamsSettings.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        }
        if (httpPort != null) {
            all.put(StreamsSettings.HTTP_PORT.key(), httpPort.toString());
        }
        if (kafkaConfig != null) {
            all.put(StreamsSettings.KAFKA_CONFIG.key(), kafkaConfig.toString());
        }
        // the variable every service reads; the app's own HYBRIDCAST_STREAMS_KAFKA_CONFIG wins over it
        Map<String, String> environment = new LinkedHashMap<>(System.getenv());
        String shared = environment.get(KafkaClientConfig.ENVIRONMENT_VARIABLE);
        if (shared != null) {
            environment.putIfAbsent(StreamsSettings.KAFKA_CONFIG.environmentName(), shared);
        }
        String registry = environment.get(io.hybridcast.schemas.registry.SchemaRegistryClient.ENVIRONMENT_VARIABLE);
        if (registry != null) {
            environment.putIfAbsent(StreamsSettings.SCHEMA_REGISTRY_URL.environmentName(), registry);
        }
        StreamsSettings settings;
        try {
            settings = StreamsSettings.load(config, environment, all);
        } catch (SettingsException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        StreamsService service = StreamsService.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
