package io.hybridcast.streams.topology;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forecast is encoded once ({@link ForecastOutput}): the forecasts topic and the latest-forecast store get the same
 * bytes, which decode to a forecast whose rows and latents are the model's numbers, as a typed store held them.
 */
class ForecastOutputTopologyTest {

    @TempDir
    Path stateDir;

    @Test
    void theTopicAndTheLatestStoreHoldTheSameBytesOfTheNewestForecast() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        StreamsSettings settings = StreamsSettings.fromMap(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.size", "1"), "test");
        try (TopologyFixture fixture = new TopologyFixture(settings, registry, stateDir)) {
            for (long s = 0; s < 70; s++) {
                fixture.pipe(reading("p0", SystemKind.PENDULUM, s, 0.8 * Math.sin(0.25 * s)));
            }
            fixture.advanceWallClock(Duration.ofSeconds(1));
            List<TestRecord<String, byte[]>> sent = fixture.driver.createOutputTopic(Topics.FORECASTS.name(),
                    Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
            assertThat(sent).hasSizeGreaterThan(3);
            byte[] newest = sent.get(sent.size() - 1).value();
            byte[] stored = fixture.<byte[]>store(StoreNames.LATEST_FORECASTS).get("p0");
            assertThat(stored).isEqualTo(newest);

            Forecast decoded = ForecastOutput.decode(stored);
            Forecast viaTopicSerde = Topics.FORECASTS.valueSerde().deserializer().deserialize(Topics.FORECASTS.name(),
                    newest);
            assertThat(decoded).isEqualTo(viaTopicSerde);
            assertThat(decoded.getSensorId()).isEqualTo("p0");
            assertThat(decoded.getMean()).hasSize(10);
            assertThat(decoded.getMean().get(0)).hasSize(1);
            for (int h = 0; h < 10; h++) {
                double mean = decoded.getMean().get(h).get(0);
                assertThat(mean).isFinite().isBetween(decoded.getLower().get(h).get(0),
                        decoded.getUpper().get(h).get(0));
            }
            assertThat(decoded.getNeuralLatents()).isNotEmpty().allSatisfy(v -> assertThat(v).isFinite());
        } finally {
            registry.close();
        }
    }

    @Test
    void primitiveRowsEncodeAsBoxedListsDid() {
        double[][] m = {{1.5, -2.25}, {Double.NaN, 1e-300}, {0, Double.NEGATIVE_INFINITY}};
        Forecast.Builder b = Forecast.newBuilder().setSensorId("x").setSystem(SystemKind.PENDULUM).setModelVersion(3)
                .setAlgorithm("a").setIssueTime(TopologyFixture.T0).setFirstSequence(7).setStepMillis(50)
                .setPhysics(List.of()).setContextSize(2).setSensorPhysics(List.of());
        Forecast primitive = b.setMean(ForecastOutput.rows(m)).setLower(ForecastOutput.rows(m))
                .setUpper(ForecastOutput.rows(m)).setNeuralLatents(ForecastOutput.row(m[0])).build();
        Forecast boxed = Forecast.newBuilder(primitive).setMean(boxed(m)).setLower(boxed(m)).setUpper(boxed(m))
                .setNeuralLatents(List.of(1.5, -2.25)).build();
        var serializer = Topics.FORECASTS.valueSerde().serializer();
        assertThat(serializer.serialize("t", primitive)).isEqualTo(serializer.serialize("t", boxed));
    }

    private static List<List<Double>> boxed(double[][] m) {
        List<List<Double>> rows = new java.util.ArrayList<>();
        for (double[] r : m) {
            List<Double> row = new java.util.ArrayList<>();
            for (double v : r) {
                row.add(v);
            }
            rows.add(row);
        }
        return rows;
    }
}
