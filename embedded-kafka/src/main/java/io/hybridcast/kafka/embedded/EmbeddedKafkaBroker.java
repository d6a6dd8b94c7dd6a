package io.hybridcast.kafka.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM, built from
 * Apache Kafka's own server classes: the storage is formatted with {@link StorageTool#execute} and the node
 * runs as a {@link KafkaRaftServer} (STACK.md 2.2a). Every internal topic has replication factor 1, so
 * consumer groups and transactions work on one node. Starts in a few seconds.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";

    private final KafkaRaftServer server;
    private final Path logDir;
    private final boolean deleteLogDirOnClose;
    private final int port;
    private final int controllerPort;
    /** Port of the SASL_SSL listener; 0 without one. */
    private final int saslSslPort;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path logDir, boolean deleteLogDirOnClose, int port,
                                int controllerPort, int saslSslPort) {
        this.server = server;
        this.logDir = logDir;
        this.deleteLogDirOnClose = deleteLogDirOnClose;
        this.port = port;
        this.controllerPort = controllerPort;
        this.saslSslPort = saslSslPort;
    }

    /** A builder with defaults: free ports, a fresh temporary log directory deleted on close, 1 partition per topic. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker with all defaults. */
    public static EmbeddedKafkaBroker start() {
        return builder().start();
    }

    /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /**
     * {@code host:port} of the SASL_SSL listener (clients need {@link SaslSslListener#clientProperties()}).
     *
     * @throws IllegalStateException when the broker was built without {@link Builder#saslSsl}
     */
    public String saslSslBootstrapServers() {
        if (saslSslPort == 0) {
            throw new IllegalStateException("this broker has no SASL_SSL listener: build it with saslSsl(...)");
        }
        return HOST + ":" + saslSslPort;
    }

    /** The client port. */
    public int port() {
        return port;
    }

    /** The controller (KRaft quorum) port; pass it with {@link #port()} to restart on the same data. */
    public int controllerPort() {
        return controllerPort;
    }

    /** Where the broker keeps its data. */
    public Path logDir() {
        return logDir;
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin createAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Stops the broker (and deletes its temporary data). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long start = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteLogDirOnClose) {
                deleteRecursively(logDir);
            }
        }
        LOG.info("Embedded Kafka broker on {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Settings of an {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path logDir;
        private int defaultPartitions = 1;
        private SaslSslListener saslSsl;
        private final Map<String, String> overrides = new HashMap<>();

        private Builder() {
        }

        /** Client port; 0 (the default) picks a free one. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + value);
            }
            this.port = value;
            return this;
        }

        /** Controller port; 0 (the default) picks a free one. */
        public Builder controllerPort(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("controllerPort must be 0..65535, got " + value);
            }
            this.controllerPort = value;
            return this;
        }

        /** Keep data in this directory (created, formatted if empty, kept on close); default: a temporary one. */
        public Builder logDir(Path value) {
            this.logDir = value;
            return this;
        }

        /** {@code num.partitions} for auto-created topics (default 1). */
        public Builder defaultPartitions(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("defaultPartitions must be >= 1, got " + value);
            }
            this.defaultPartitions = value;
            return this;
        }

        /**
         * Also open a SASL_SSL listener on a free port ({@link #saslSslBootstrapServers()}). The PLAINTEXT listener
         * stays for the broker's own traffic and a test's set-up; clients under test use the secured one.
         */
        public Builder saslSsl(SaslSslListener value) {
            this.saslSsl = value;
            return this;
        }

        /** Any other broker setting, e.g. {@code auto.create.topics.enable=false}. */
        public Builder config(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** Formats the storage (if new) and starts the broker; returns once it accepts clients. */
        public EmbeddedKafkaBroker start() {
            long begin = System.nanoTime();
            int clientPort = port == 0 ? freePort() : port;
            int ctrlPort = controllerPort == 0 ? freePort() : controllerPort;
            int securePort = saslSsl == null ? 0 : freePort();
            boolean temporary = logDir == null;
            Path dir;
            try {
                dir = temporary ? Files.createTempDirectory("hybridcast-kafka-") : Files.createDirectories(logDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the broker's log directory: " + e.getMessage(), e);
            }
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@" + HOST + ":" + ctrlPort);
            String secure = saslSsl == null ? "" : "," + SaslSslListener.NAME + "://" + HOST + ":" + securePort;
            props.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + secure
                    + ",CONTROLLER://" + HOST + ":" + ctrlPort);
            props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort + secure);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
                    + (saslSsl == null ? "" : "," + SaslSslListener.NAME + ":" + SaslSslListener.NAME));
            if (saslSsl != null) {
                props.putAll(saslSsl.brokerConfig());
            }
            props.put("log.dirs", dir.resolve("data").toString());
            props.put("num.partitions", Integer.toString(defaultPartitions));
            // One node: every internal topic must have replication factor 1 or consumer groups never work.
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.putAll(overrides);

            try {
                if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                    format(dir, props, saslSsl);
                }
                KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
                server.startup();
                EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dir, temporary, clientPort, ctrlPort,
                        securePort);
                try {
                    broker.awaitReady();
                } catch (RuntimeException e) {
                    broker.close();
                    throw e;
                }
                LOG.info("Embedded Kafka broker ready on {} in {} ms (data in {})", broker.bootstrapServers(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), dir);
                return broker;
            } catch (RuntimeException e) {
                if (temporary) {
                    deleteRecursively(dir);
                }
                throw e;
            }
        }

        private static void format(Path dir, Properties props, SaslSslListener saslSsl) {
            Path config = dir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "embedded KRaft broker");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + config + ": " + e.getMessage(), e);
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc;
            List<String> args = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toString()));
            if (saslSsl != null) {
                // the SCRAM user exists from the first start: KRaft keeps credentials in the cluster metadata
                args.addAll(List.of("--add-scram", saslSsl.scramCredential()));
            }
            try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                // execute, not main: main calls System.exit.
                rc = StorageTool.execute(args.toArray(String[]::new), print);
            }
            if (rc != 0) {
                throw new IllegalStateException("Formatting the broker storage in " + dir + " failed (rc " + rc + "): "
                        + output.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        RuntimeException last = null;
        try (Admin admin = createAdmin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the broker", e);
                } catch (Exception e) {
                    last = new IllegalStateException(e.getMessage(), e);
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Embedded broker on " + bootstrapServers() + " did not become ready in 60 s", last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port: " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
