package io.hybridcast.streams.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * State written before the per-point layout is read, not lost or misread: a z_p history stored whole under the
 * sensor's id moves to one record per point at the sensor's next point, a pending-forecasts value of format 4
 * keeps its calibration and test and hands its forecasts to their own records, and a whole history read as a
 * point is refused with a message naming both formats.
 */
class PointStoresFormatTest {

    @TempDir
    Path stateDir;
    private final List<StateStore> opened = new ArrayList<>();
    private MockProcessorContext<Object, Object> context;

    private <S extends StateStore> S open(S store) {
        if (context == null) {
            Properties config = new Properties();
            config.put("application.id", "format-test");
            config.put("bootstrap.servers", "unused:9092");
            config.put("state.dir", stateDir.toString());
            context = new MockProcessorContext<>(config, new TaskId(0, 0), stateDir.toFile());
        }
        store.init(context.getStateStoreContext(), store);
        opened.add(store);
        return store;
    }

    @AfterEach
    void close() {
        opened.forEach(StateStore::close);
    }

    static ZpHistory.Point point(long seq) {
        double v = 1 + 0.01 * seq;
        return new ZpHistory.Point(seq, 1_000 * seq, 3, List.of("omega"), new double[]{v}, new double[]{0.1},
                new double[]{v - 0.05}, new double[]{0.2}, new double[]{v + 0.01}, new double[]{0.05},
                new double[]{v - 0.1}, new double[]{v + 0.1});
    }

    @Test
    void aWholeHistoryMovesToOneRecordPerPointAtTheSensorsNextPoint() {
        SequencedStore<ZpHistory.Point> store = open(SequencedStore.<ZpHistory.Point>builder(
                Stores.persistentKeyValueStore(StoreNames.ZP_HISTORY), ZpHistory.SERDE, 10).withLoggingDisabled()
                .build());
        ZpHistory whole = new ZpHistory();
        for (long seq = 10; seq <= 50; seq += 10) {
            whole.points.add(point(seq));
        }
        byte[] old = ZpHistory.WHOLE.serializer().serialize("", whole);
        assertThat(old[0]).isEqualTo((byte) 2);
        store.wrapped().put("p#1", old);
        // a point of another sensor whose key equals an id is not an old history
        String lookalike = SequenceKey.of("q", 7);
        store.put("q", 7, point(7));

        assertThat(ZpHistory.of(store, "p#1").points).as("not moved before the sensor's next point").isEmpty();
        assertThatThrownBy(() -> store.get("p#1")).isInstanceOf(SerializationException.class)
                .hasMessageContaining("z_p history point").hasMessageContaining("format version 2")
                .hasMessageContaining("reads 3");

        ZpHistory.append(store, "p#1", point(60), 4);
        assertThat(ZpHistory.of(store, "p#1").points).extracting(ZpHistory.Point::sequence)
                .containsExactly(30L, 40L, 50L, 60L);
        assertThat(store.wrapped().get("p#1")).as("the old record is deleted").isNull();
        assertThat(ZpHistory.of(store, "p#1").points.get(0).sensorUpper()).containsExactly(point(30).sensorUpper());

        store.forgetAll();
        assertThat(ZpHistory.migrate(store, lookalike, 4)).isFalse();
        assertThat(ZpHistory.of(store, "q").points).extracting(ZpHistory.Point::sequence).containsExactly(7L);
    }

    @Test
    void aFormat4PendingValueKeepsWhatItLearntAndItsForecastsBecomeRecords() throws IOException {
        SequencedStore<PendingForecasts.Entry> entries = open(SequencedStore.<PendingForecasts.Entry>builder(
                Stores.persistentKeyValueStore(StoreNames.PENDING_ENTRIES), PendingForecasts.ENTRY_SERDE, 10)
                .withLoggingDisabled().build());
        WriteBehindStore<ForecastScoring> scoring = open(WriteBehindStore.builder(
                Stores.persistentKeyValueStore(StoreNames.PENDING_FORECASTS), ForecastScoring.SERDE, 10)
                .withLoggingDisabled().build());
        ForecastCalibration calibration = new ForecastCalibration();
        double[][] mean = {{0.1}, {0.2}, {0.3}};
        double[][] band = {{0.05}, {0.05}, {0.05}};
        for (int i = 0; i < 40; i++) {
            calibration.learn(1, 3, new double[]{0.2 + 0.01 * (i % 3)}, mean[1], mean[1], new double[]{0.15}, 0.02);
        }
        DeviationCusum cusum = new DeviationCusum();
        cusum.restart(7);
        PendingForecasts.Entry entry = new PendingForecasts.Entry(101, 3, mean, band, band, new double[]{0.15}, mean);
        // format 4, as the per-sensor values were written before the split: forecasts, calibration, test
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(4);
        out.writeInt(1);
        writeEntryFormat4(entry, out);
        calibration.write(out);
        cusum.write(out);
        out.flush();
        byte[] format4 = bytes.toByteArray();
        // as read from a store that holds those bytes
        scoring.write("p", ForecastScoring.SERDE.deserializer().deserialize("", format4));

        PendingForecasts pending = new PendingForecasts(entries, scoring);
        ForecastScoring read = pending.existingScoring("p");
        assertThat(read.calibration.warmedUp(1, 30)).isTrue();
        assertThat(read.calibration.scale(1, 0)).isEqualTo(calibration.scale(1, 0));
        assertThat(ForecastScoring.SERDE.serializer().serialize("", read)).as("calibration and test kept")
                .isEqualTo(formatSix(calibration, cusum));
        assertThat(pending.newestCovering("p", 102)).isNotNull();
        assertThat(PendingForecasts.of(entries, "p")).singleElement()
                .satisfies(e -> assertThat(e.firstSequence()).isEqualTo(101))
                .satisfies(e -> assertThat(e.mean()).isDeepEqualTo(mean));
        scoring.flushCache();
        assertThat(ForecastScoring.SERDE.serializer().serialize("", scoring.get("p"))[0]).as("rewritten as format 6")
                .isEqualTo((byte) 6);
        assertThat(scoring.get("p").carried).isEmpty();
    }

    @Test
    void aFormat5ScoringValueIsReadAndRewrittenPacked() throws IOException {
        ForecastCalibration calibration = new ForecastCalibration();
        double[][] mean = {{0.1, 1.0}, {0.2, 1.1}, {0.3, 1.2}};
        for (int i = 0; i < 40; i++) {
            for (int step = 0; step < 3; step++) {
                calibration.learn(step, 3, new double[]{0.2 + 0.01 * (i % 3), 1 - 0.02 * (i % 5)}, mean[step],
                        mean[step], new double[]{0.15, 1.05}, 0.02);
            }
        }
        DeviationCusum cusum = new DeviationCusum();
        cusum.restart(7);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(5);
        calibration.write(out);
        cusum.write(out);
        out.flush();
        byte[] five = bytes.toByteArray();
        ForecastScoring read = ForecastScoring.SERDE.deserializer().deserialize("", five);
        for (int step = 0; step < 3; step++) {
            assertThat(read.calibration.modelWeight(step)).isEqualTo(calibration.modelWeight(step));
            assertThat(read.calibration.multiplier(step)).isEqualTo(calibration.multiplier(step));
            assertThat(read.calibration.scale(step, 1)).isEqualTo(calibration.scale(step, 1));
        }
        byte[] six = ForecastScoring.SERDE.serializer().serialize("", read);
        assertThat(six).isEqualTo(formatSix(calibration, cusum));
        // per step: the count as an int, no length before the channels' mean squares
        assertThat(five.length - six.length).isEqualTo(3 * (4 + 4));
        ForecastScoring again = ForecastScoring.SERDE.deserializer().deserialize("", six);
        assertThat(ForecastScoring.SERDE.serializer().serialize("", again)).isEqualTo(six);
        assertThat(again.calibration.warmedUp(2, 30)).isTrue();
        assertThat(again.calibration.warmedUp(2, 41)).isFalse();
    }

    private static byte[] formatSix(ForecastCalibration calibration, DeviationCusum cusum) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(6);
        calibration.writePacked(out);
        cusum.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    /** A forecast as format 4 wrote it (and formats 1 to 4 of the per-sensor values held it): a length per row. */
    static void writeEntryFormat4(PendingForecasts.Entry e, DataOutputStream out) throws IOException {
        out.writeLong(e.firstSequence());
        out.writeLong(e.modelVersion());
        for (double[][] m : new double[][][]{e.mean(), e.lower(), e.upper()}) {
            writeRowsEach(out, m);
        }
        StateSerde.writeDoubles(out, e.last());
        writeRowsEach(out, e.model());
    }

    private static void writeRowsEach(DataOutputStream out, double[][] m) throws IOException {
        out.writeInt(m.length);
        for (double[] row : m) {
            StateSerde.writeDoubles(out, row);
        }
    }

    @Test
    void aFormat4ForecastRecordIsReadAndFormat5WritesEachMatrixAsABlock() throws IOException {
        double[][] mean = new double[20][];
        double[][] lower = new double[20][];
        double[][] upper = new double[20][];
        double[][] model = new double[20][];
        for (int h = 0; h < 20; h++) {
            mean[h] = new double[]{Math.sin(h), -h};
            lower[h] = new double[]{mean[h][0] - 0.1 * h, -h - 1};
            upper[h] = new double[]{mean[h][0] + 0.1 * h, -h + 1};
            model[h] = new double[]{Math.cos(h), 1e-300 * h};
        }
        PendingForecasts.Entry entry = new PendingForecasts.Entry(1234, 7, mean, lower, upper,
                new double[]{0.5, -3}, model);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(4);
        writeEntryFormat4(entry, out);
        out.flush();
        byte[] four = bytes.toByteArray();
        byte[] five = PendingForecasts.ENTRY_SERDE.serializer().serialize("", entry);
        assertThat(five[0]).isEqualTo((byte) 5);
        // four matrices of 20 rows: one width each instead of a length per row
        assertThat(four.length - five.length).isEqualTo(4 * (20 * 4 - 4));
        for (byte[] stored : new byte[][]{four, five}) {
            PendingForecasts.Entry back = PendingForecasts.ENTRY_SERDE.deserializer().deserialize("", stored);
            assertThat(back.firstSequence()).isEqualTo(1234);
            assertThat(back.modelVersion()).isEqualTo(7);
            assertThat(back.mean()).isDeepEqualTo(mean);
            assertThat(back.lower()).isDeepEqualTo(lower);
            assertThat(back.upper()).isDeepEqualTo(upper);
            assertThat(back.model()).isDeepEqualTo(model);
            assertThat(back.last()).containsExactly(0.5, -3);
            assertThat(PendingForecasts.ENTRY_SERDE.serializer().serialize("", back)).isEqualTo(five);
        }
    }
}
