package io.hybridcast.streams.testing;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.topology.TopologyFactory;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The real topology under a {@link TopologyTestDriver}, with typed helpers for its topics and stores. */
public final class TopologyFixture implements AutoCloseable {

    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    public final StreamsSettings settings;
    public final ModelRegistry models;
    public final AppMetrics metrics = AppMetrics.inMemory();
    public final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> raw;
    private final TestOutputTopic<byte[], DeadLetter> deadLetters;
    private final TestOutputTopic<String, Anomaly> anomalies;
    private final TestOutputTopic<String, Forecast> forecasts;

    public TopologyFixture(StreamsSettings settings, ModelRegistry models, Path stateDir) {
        this.settings = settings;
        this.models = models;
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(TopologyFactory.buildTopology(settings, models, metrics), props, T0);
        raw = driver.createInputTopic(Topics.SENSOR_READINGS.name(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(), T0, Duration.ZERO);
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), Serdes.ByteArray().deserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer());
        anomalies = driver.createOutputTopic(Topics.ANOMALIES.name(), Serdes.String().deserializer(),
                Topics.ANOMALIES.valueSerde().deserializer());
        forecasts = driver.createOutputTopic(Topics.FORECASTS.name(), Serdes.String().deserializer(),
                Topics.FORECASTS.valueSerde().deserializer());
    }

    /** A reading of a sensor at sequence {@code seq}, event time T0 + seq * interval. */
    public static SensorReading reading(String sensorId, SystemKind system, long seq, double... values) {
        long interval = io.hybridcast.schemas.SensorSystems.of(system).sampleIntervalMillis();
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return SensorReading.newBuilder().setSensorId(sensorId).setSystem(system).setSequence(seq)
                .setEventTime(T0.plusMillis(seq * interval)).setValues(list).build();
    }

    public void pipe(SensorReading reading) {
        pipe(reading.getSensorId(), reading);
    }

    public void pipe(String key, SensorReading reading) {
        pipeRaw(key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Topics.SENSOR_READINGS.valueSerde().serializer().serialize(Topics.SENSOR_READINGS.name(), reading),
                reading.getEventTime());
    }

    public void pipeTruth(io.hybridcast.avro.SensorTruth truth) {
        driver.createInputTopic(Topics.SENSOR_TRUTH.name(), Topics.SENSOR_TRUTH.keySerde().serializer(),
                Topics.SENSOR_TRUTH.valueSerde().serializer()).pipeInput(truth.getSensorId(), truth, truth.getPublishedAt());
    }

    public void pipeRaw(byte[] key, byte[] value, Instant timestamp) {
        raw.pipeInput(key, value, timestamp);
    }

    public List<DeadLetter> deadLetters() {
        return deadLetters.readValuesToList();
    }

    public List<Anomaly> anomalies() {
        return anomalies.readValuesToList();
    }

    public List<Forecast> forecasts() {
        return forecasts.readValuesToList();
    }

    /** A state store as interactive queries see it (the forecaster's stores are read-only from outside). */
    @SuppressWarnings("unchecked")
    public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        // (getStateStore refuses key-value stores; the map holds every store as it is)
        return (ReadOnlyKeyValueStore<String, V>) driver.getAllStateStores().get(name);
    }

    /** Moves the wall clock, firing due wall-clock punctuators (the inference latency trigger). */
    public void advanceWallClock(Duration by) {
        driver.advanceWallClockTime(by);
    }

    @Override
    public void close() {
        driver.close();
    }
}
