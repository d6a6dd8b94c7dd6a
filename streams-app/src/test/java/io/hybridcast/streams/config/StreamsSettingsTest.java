package io.hybridcast.streams.config;

import io.hybridcast.avro.SystemKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamsSettingsTest {

    @Test
    void defaultsAreSoundForEverySystem() {
        StreamsSettings settings = StreamsSettings.defaults();
        for (SystemKind kind : SystemKind.values()) {
            SystemSettings system = settings.system(kind);
            assertThat(system.hop()).isEqualTo(10);
            assertThat(system.windowLength()).isGreaterThanOrEqualTo(system.hop());
            assertThat(system.contextWindows()).isPositive();
            assertThat(system.horizon()).isPositive();
        }
        assertThat(settings.get(StreamsSettings.PROCESSING_GUARANTEE)).isEqualTo("exactly_once_v2");
        assertThat(settings.get(StreamsSettings.HTTP_HOST)).isEqualTo("127.0.0.1");
        assertThat(settings.servedSystems()).containsExactlyInAnyOrder(SystemKind.values());
    }

    @Test
    void fileThenEnvironmentThenFlagsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, "batch.max.size=8\npendulum.hop=5\nhttp.port=9000\n");
        StreamsSettings settings = StreamsSettings.load(file,
                Map.of("HYBRIDCAST_STREAMS_PENDULUM_HOP", "7", "PATH", "/usr/bin"),
                Map.of("http.port", "0"));
        assertThat(settings.get(StreamsSettings.BATCH_MAX_SIZE)).isEqualTo(8);
        assertThat(settings.system(SystemKind.PENDULUM).hop()).isEqualTo(7);
        assertThat(settings.get(StreamsSettings.HTTP_PORT)).isZero();
    }

    @Test
    void badValueNamesSettingValueAndSource() {
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("batch.max.size", "lots"), "test flags"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("batch.max.size")
                .hasMessageContaining("'lots'")
                .hasMessageContaining("test flags")
                .hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("anomaly.drift.threshold", "NaN"), "x"))
                .hasMessageContaining("anomaly.drift.threshold").hasMessageContaining("finite");
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("systems", "PENDULUM,TRAIN"), "x"))
                .hasMessageContaining("systems").hasMessageContaining("TRAIN");
    }

    @Test
    void stateStoreTypeIsRocksdbOrInMemory() {
        assertThat(StreamsSettings.defaults().get(StateSettings.STATE_STORE_TYPE)).isEqualTo("rocksdb");
        assertThat(StreamsSettings.fromMap(Map.of("state.store.type", "in_memory"), "x")
                .get(StateSettings.STATE_STORE_TYPE)).isEqualTo("in_memory");
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("state.store.type", "memory"), "x"))
                .isInstanceOf(SettingsException.class).hasMessageContaining("state.store.type")
                .hasMessageContaining("'memory'").hasMessageContaining("rocksdb or in_memory");
    }

    @Test
    void hopLongerThanWindowIsRefused() {
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("pendulum.hop", "60"), "x"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("pendulum.hop = 60")
                .hasMessageContaining("pendulum.window.length = 50");
    }

    @Test
    void unknownKeysAreRefusedNotIgnored() {
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("batch.maxsize", "3"), "x"))
                .hasMessageContaining("Unknown setting 'batch.maxsize'");
        assertThatThrownBy(() -> StreamsSettings.load(null, Map.of("HYBRIDCAST_STREAMS_NOPE", "1"), Map.of()))
                .hasMessageContaining("HYBRIDCAST_STREAMS_NOPE");
    }

    @Test
    void secretsAreMaskedInDescriptionsAndErrors() {
        StreamsSettings settings = StreamsSettings.fromMap(Map.of("model.hmac.key", "s3cret"), "x");
        assertThat(settings.get(StreamsSettings.MODEL_HMAC_KEY)).isEqualTo("s3cret");
        assertThat(settings.describe().get("model.hmac.key")).isEqualTo("<set>");
        assertThat(settings.describe().toString()).doesNotContain("s3cret");
        assertThat(settings.with(Map.of("batch.max.size", "3")).get(StreamsSettings.MODEL_HMAC_KEY))
                .isEqualTo("s3cret");
    }

    @Test
    void failOverSettingsReachKafkaStreamsWithSecondsNotKafkasDefaults() {
        java.util.Properties p = io.hybridcast.streams.StreamsService.streamsProperties(StreamsSettings.defaults(), 0);
        assertThat(p.get("num.standby.replicas")).isEqualTo(1);
        assertThat(p.get("acceptable.recovery.lag")).isEqualTo(10_000L);
        assertThat(p.get("consumer.session.timeout.ms")).isEqualTo(6000);
        assertThat(p.get("consumer.heartbeat.interval.ms")).isEqualTo(1500);
        assertThat(p.get("producer.transaction.timeout.ms")).isEqualTo(5000);
        java.util.Properties set = io.hybridcast.streams.StreamsService.streamsProperties(StreamsSettings.fromMap(
                Map.of("num.standby.replicas", "0", "session.timeout.ms", "30000"), "x"), 0);
        assertThat(set.get("num.standby.replicas")).isEqualTo(0);
        assertThat(set.get("consumer.session.timeout.ms")).isEqualTo(30000);
    }

    @Test
    void failOverSettingsAreValidatedAgainstEachOther() {
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("num.standby.replicas", "-1"), "x"))
                .isInstanceOf(SettingsException.class).hasMessageContaining("num.standby.replicas");
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("heartbeat.interval.ms", "3000"), "test flags"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("heartbeat.interval.ms = 3000 (from test flags)")
                .hasMessageContaining("session.timeout.ms = 6000 (from default)");
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("transaction.timeout.ms", "2000",
                "commit.interval.ms", "2000"), "x"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("transaction.timeout.ms = 2000")
                .hasMessageContaining("commit.interval.ms = 2000");
    }

    @Test
    void sensorTtlIsADurationWithUnitsAndBounds() {
        assertThat(StreamsSettings.defaults().get(StateSettings.SENSOR_TTL)).isEqualTo(java.time.Duration.ofHours(24));
        assertThat(StreamsSettings.fromMap(Map.of("sensor.ttl", "90m"), "x").get(StateSettings.SENSOR_TTL))
                .isEqualTo(java.time.Duration.ofMinutes(90));
        StreamsSettings iso = StreamsSettings.fromMap(Map.of("sensor.ttl", "PT2H"), "x");
        assertThat(iso.with(Map.of()).get(StateSettings.SENSOR_TTL)).isEqualTo(java.time.Duration.ofHours(2));
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("sensor.ttl", "soon"), "x"))
                .hasMessageContaining("sensor.ttl").hasMessageContaining("'soon'").hasMessageContaining("24h");
        assertThatThrownBy(() -> StreamsSettings.fromMap(Map.of("sensor.ttl", "10s"), "x"))
                .hasMessageContaining("sensor.ttl").hasMessageContaining("between PT1M");
    }
}
