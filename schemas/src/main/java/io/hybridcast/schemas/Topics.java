package io.hybridcast.schemas;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every topic of hybridcast with its serdes: the one place where topic names are written. See DESIGN.md
 * ("Topics and records") for who writes and who reads each one.
 */
public final class Topics {

    /** Largest model-version message: a model bundle chunk plus its metadata. */
    public static final int MODEL_VERSION_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    /** Samples from the sensors; key = sensor id. Written by the simulator (or real sensors). */
    public static final Topic<String, SensorReading> SENSOR_READINGS = new Topic<>("sensor-readings",
            Serdes.String(), AvroSerde.of(SensorReading.class), Map.of());

    /** Ground truth per sensor over sequence ranges; key = sensor id. Simulator only; for scoring, not training. */
    public static final Topic<String, SensorTruth> SENSOR_TRUTH = new Topic<>("sensor-truth",
            Serdes.String(), AvroSerde.of(SensorTruth.class), Map.of());

    /** Multi-step forecasts with bands and parameter estimates; key = sensor id. */
    public static final Topic<String, Forecast> FORECASTS = new Topic<>("forecasts",
            Serdes.String(), AvroSerde.of(Forecast.class), Map.of());

    /** Anomaly flags; key = sensor id. */
    public static final Topic<String, Anomaly> ANOMALIES = new Topic<>("anomalies",
            Serdes.String(), AvroSerde.of(Anomaly.class), Map.of());

    /**
     * Published model versions, compacted; key = {@code <system>/chunk/<index>} (see {@link #modelVersionKey}):
     * a new version overwrites the chunk slots of its system, so compaction keeps only the newest version of
     * each system instead of every version ever published.
     */
    public static final Topic<String, ModelVersion> MODEL_VERSIONS = new Topic<>("model-versions",
            Serdes.String(), AvroSerde.of(ModelVersion.class), Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MODEL_VERSION_MAX_MESSAGE_BYTES)));

    /** Records that could not be processed, with the reason; key = the original key bytes. */
    public static final Topic<byte[], DeadLetter> DEAD_LETTERS = new Topic<>("dead-letters",
            Serdes.ByteArray(), AvroSerde.of(DeadLetter.class), Map.of());

    private static final List<Topic<?, ?>> ALL = List.of(
            SENSOR_READINGS, SENSOR_TRUTH, FORECASTS, ANOMALIES, MODEL_VERSIONS, DEAD_LETTERS);

    private Topics() {
    }

    /** Every topic, in the order data flows. */
    public static List<Topic<?, ?>> all() {
        return ALL;
    }

    /**
     * The key of one chunk of a model version on {@link #MODEL_VERSIONS}: its system's chunk slot, the same
     * for every version, so that the newest version's chunks supersede older ones under compaction.
     */
    public static String modelVersionKey(ModelVersion version) {
        return modelVersionKey(version.getSystem(), version.getChunkIndex());
    }

    /** The key of chunk slot {@code index} of {@code system} on {@link #MODEL_VERSIONS}. */
    public static String modelVersionKey(io.hybridcast.avro.SystemKind system, int index) {
        return system + "/chunk/" + index;
    }

    /**
     * Creates every topic that does not exist yet, with replication factor 1 on a single broker and the
     * broker default otherwise. Existing topics are left as they are.
     */
    public static void createAll(Admin admin, int partitions) {
        int brokers;
        try {
            brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot reach the Kafka cluster to create topics: " + e.getMessage(), e);
        }
        short replication = (short) Math.min(3, Math.max(1, brokers));
        List<NewTopic> requests = ALL.stream().map(t -> t.newTopic(partitions, replication)).toList();
        admin.createTopics(requests).values().forEach((name, future) -> {
            try {
                future.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause().getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + name, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Timed out creating topic " + name, e);
            }
        });
    }
}
