package io.hybridcast.streams.topology;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.fusion.IntervalCalibration;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The changelog formats: the sensor-level physics in its own store, the sensor state's format 7 (samples as
 * blocks, a due window kept among the recent samples written as its place there) and formats 6, 5 (with the live
 * forecast score, without the usual neural share) and 4 still read after an upgrade.
 */
class SensorStateFormatTest {

    @Test
    void sensorLevelPhysicsSurvivesTheChangelog() {
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < 5; w++) {
            assertThat(physics.add(WindowReading.of(19 + 20L * w, 20, 1, List.of("omega"),
                               new double[]{2 + 0.01 * w}, new double[]{0.1}, new double[]{0.3, -0.2}),
                               FusionSettings.of(0.95, 64, IntervalCalibration.NONE))).isTrue();
        }
        // an overlapping window (one hop later) is not fused: it is nearly the same evidence
        assertThat(physics.add(WindowReading.of(19 + 20L * 4 + 5, 20, 1, List.of("omega"), new double[]{2},
                           new double[]{0.1}, new double[]{0, 0}),
                           FusionSettings.of(0.95, 64, IntervalCalibration.NONE))).isFalse();
        physics.operatingEvent(90);
        byte[] bytes = SensorPhysics.SERDE.serializer().serialize("", physics);
        SensorPhysics back = SensorPhysics.SERDE.deserializer().deserialize("", bytes);
        assertThat(back.windows()).isEqualTo(5);
        assertThat(back.names()).containsExactly("omega");
        assertThat(back.estimates()).containsExactly(physics.estimates());
        assertThat(back.lastEventSequence()).isEqualTo(90);
        assertThat(SensorPhysics.SERDE.serializer().serialize("", back)).isEqualTo(bytes);
    }

    @Test
    void formatFourIsReadWithAnEmptyForecastScore() throws Exception {
        SensorState state = new SensorState("p1", SystemKind.PENDULUM);
        state.accept(new double[]{0.1}, 0, 1000, 20);
        state.accept(new double[]{0.2}, 1, 1050, 20);
        byte[] seven = SensorState.SERDE.serializer().serialize("", state);
        assertThat(seven[0]).isEqualTo((byte) 8); // the current format
        byte[] six = formatSix(state);
        // format 5 is format 6 without the noise check's memory and drift's hold at its end
        ByteArrayOutputStream extension = new ByteArrayOutputStream();
        io.hybridcast.streams.anomaly.NoiseStateFormats.writeWhole(new io.hybridcast.streams.anomaly.FaultState(),
                new DataOutputStream(extension));
        new io.hybridcast.streams.anomaly.ModelCheckState().writeExtension(new DataOutputStream(extension));
        byte[] five = Arrays.copyOf(six, six.length - extension.size());
        five[0] = 5;
        assertThat(SensorState.SERDE.serializer().serialize("", SensorState.SERDE.deserializer()
                .deserialize("", five))).isEqualTo(seven);
        // format 4 is format 5 without the forecast score at its end, and with the usual neural share (a
        // UsualLevel, 28 bytes) before the usual band residual (the last 28 bytes before the score)
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        new ForecastScore().write(new DataOutputStream(tail));
        byte[] withoutScore = Arrays.copyOf(five, five.length - tail.size());
        ByteArrayOutputStream share = new ByteArrayOutputStream();
        new io.hybridcast.streams.anomaly.UsualLevel(0.1).write(new DataOutputStream(share));
        ByteArrayOutputStream four = new ByteArrayOutputStream();
        int band = withoutScore.length - 28;
        four.write(withoutScore, 0, band);
        four.write(share.toByteArray());
        four.write(withoutScore, band, 28);
        byte[] fourBytes = four.toByteArray();
        fourBytes[0] = 4;
        SensorState back = SensorState.SERDE.deserializer().deserialize("", fourBytes);
        assertThat(back.readings()).isEqualTo(2);
        assertThat(back.recent().newest(2)).isDeepEqualTo(new double[][]{{0.1}, {0.2}});
        assertThat(back.score().scored()).isZero();
        assertThat(SensorState.SERDE.serializer().serialize("", back)).isEqualTo(seven);
    }

    @Test
    void formatSixIsReadAndADueWindowAmongTheRecentSamplesIsWrittenOnce() throws Exception {
        SensorState state = new SensorState("p1", SystemKind.PENDULUM);
        for (int i = 0; i < 60; i++) {
            state.accept(new double[]{Math.sin(0.3 * i)}, i, 1000 + 50L * i, 50);
        }
        state.query().mark(59, 1000 + 50L * 59, state.recent().newest(50));
        // one more reading after the sensor became due: the window ends one place before the newest sample
        state.accept(new double[]{0.5}, 60, 1000 + 50L * 60, 50);
        byte[] six = formatSix(state);
        byte[] seven = SensorState.SERDE.serializer().serialize("", state);
        // of the window's 50 samples (8 bytes each plus a length in format 6) only the one pushed out since is
        // written again (a block of one: count, width, value), and the recent samples lose their per-sample length
        assertThat(six.length - seven.length).isEqualTo(50 * 12 - 3 * 4 - (2 * 4 + 8) + 50 * 4);
        for (byte[] bytes : List.of(six, seven)) {
            SensorState back = SensorState.SERDE.deserializer().deserialize("", bytes);
            assertThat(back.query().due()).isTrue();
            assertThat(back.query().sequence()).isEqualTo(59);
            assertThat(back.query().window()).isDeepEqualTo(state.query().window());
            assertThat(back.recent().newest(50)).isDeepEqualTo(state.recent().newest(50));
            assertThat(SensorState.SERDE.serializer().serialize("", back)).isEqualTo(seven);
        }
    }

    @Test
    void aBacklogWritesOnlyTheWindowsPushedOutSamplesAndAGapTheWholeWindow() {
        SensorState state = new SensorState("p1", SystemKind.PENDULUM);
        for (int i = 0; i < 50; i++) {
            state.accept(new double[]{i, -i}, i, 1000 + 50L * i, 50);
        }
        state.query().mark(49, 1000 + 50L * 49, state.recent().newest(50));
        byte[] placed = SensorState.SERDE.serializer().serialize("", state);
        // a backlog: five readings more push the window's oldest five samples out of the recent ones
        for (int i = 50; i < 55; i++) {
            state.accept(new double[]{i, -i}, i, 1000 + 50L * i, 50);
        }
        assertThat(SensorState.windowInRecent(state.query().window(), state.recent(), 5)).isEqualTo(5);
        byte[] backlog = SensorState.SERDE.serializer().serialize("", state);
        assertThat(backlog.length - placed.length).isEqualTo(5 * 2 * 8 + 4);
        SensorState back = SensorState.SERDE.deserializer().deserialize("", backlog);
        assertThat(back.query().window()).isDeepEqualTo(state.query().window());
        assertThat(back.recent().newest(50)).isDeepEqualTo(state.recent().newest(50));
        // after a gap the window starts afresh: the due window is no longer among the recent samples
        state.restartAfterGap();
        for (int i = 60; i < 63; i++) {
            state.accept(new double[]{i, -i}, i, 1000 + 50L * i, 50);
        }
        assertThat(SensorState.windowInRecent(state.query().window(), state.recent(), 63 - 49))
                .isEqualTo(-1);
        back = SensorState.SERDE.deserializer().deserialize("", SensorState.SERDE.serializer().serialize("", state));
        assertThat(back.query().window()).isDeepEqualTo(state.query().window());
        // and a window that only looks placed (same sequence distance, other values) is not taken for one
        SensorState other = new SensorState("p2", SystemKind.PENDULUM);
        for (int i = 0; i < 50; i++) {
            other.accept(new double[]{i, -i}, i, 1000 + 50L * i, 50);
        }
        double[][] changed = other.recent().newest(50);
        changed[10] = new double[]{99, 99};
        other.query().mark(49, 1000 + 50L * 49, changed);
        SensorState otherBack = SensorState.SERDE.deserializer().deserialize("",
                SensorState.SERDE.serializer().serialize("", other));
        assertThat(otherBack.query().window()).isDeepEqualTo(changed);
    }

    @Test
    void aLearntNoiseCheckComesBackFromFormatSixAndEightAndCarriesOnIdentically() throws Exception {
        io.hybridcast.streams.anomaly.SensorFaultDetector detector = new io.hybridcast.streams.anomaly
                .SensorFaultDetector(io.hybridcast.streams.config.StreamsSettings.fromMap(java.util.Map.of(), "test"));
        SensorState state = new SensorState("p1", SystemKind.PENDULUM);
        int[] next = {0};
        Runnable feed = () -> {
            int i = next[0]++;
            double v = Math.sin(0.3 * i) + 0.01 * Math.cos(7.1 * i * i);
            detector.check(state, io.hybridcast.avro.SensorReading.newBuilder().setSensorId("p1")
                    .setSystem(SystemKind.PENDULUM).setSequence(i).setEventTime(java.time.Instant.ofEpochMilli(50L * i))
                    .setValues(List.of(v)).build());
            state.accept(new double[]{v}, i, 50L * i, 50);
        };
        for (int i = 0; i < 300; i++) {
            feed.run();
        }
        byte[] eight = SensorState.SERDE.serializer().serialize("", state);
        byte[] six = formatSix(state);
        List<SensorState> restored = List.of(SensorState.SERDE.deserializer().deserialize("", eight),
                SensorState.SERDE.deserializer().deserialize("", six));
        for (SensorState back : restored) {
            assertThat(SensorState.SERDE.serializer().serialize("", back)).isEqualTo(eight);
        }
        // restored state gives the same results: 100 more readings on the original and on each copy
        for (int i = 0; i < 100; i++) {
            int seq = next[0];
            feed.run();
            double v = state.recent().previous(0)[0];
            for (SensorState back : restored) {
                detector.check(back, io.hybridcast.avro.SensorReading.newBuilder().setSensorId("p1")
                        .setSystem(SystemKind.PENDULUM).setSequence(seq).setEventTime(
                                java.time.Instant.ofEpochMilli(50L * seq)).setValues(List.of(v)).build());
                back.accept(new double[]{v}, seq, 50L * seq, 50);
            }
        }
        byte[] after = SensorState.SERDE.serializer().serialize("", state);
        for (SensorState back : restored) {
            assertThat(SensorState.SERDE.serializer().serialize("", back)).isEqualTo(after);
        }
    }

    /** Format 6 as it was written before format 7: every sample with its own length, the due window in full. */
    static byte[] formatSix(SensorState s) throws java.io.IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(6);
        out.writeUTF(s.sensorId);
        out.writeUTF(s.system.name());
        out.writeLong(s.cursor().lastSequence());
        out.writeLong(s.cursor().lastEventTime());
        out.writeLong(s.cursor().contiguousSamples());
        List<double[]> samples = s.recent().asList();
        out.writeInt(samples.size());
        for (double[] sample : samples) {
            StateSerde.writeDoubles(out, sample);
        }
        out.writeBoolean(s.query().due());
        out.writeLong(s.query().sequence());
        out.writeLong(s.query().eventTime());
        out.writeInt(s.query().window().length);
        for (double[] sample : s.query().window()) {
            StateSerde.writeDoubles(out, sample);
        }
        out.writeUTF(s.serving().status().name());
        out.writeLong(s.cursor().readings());
        out.writeLong(s.serving().forecasts());
        out.writeLong(s.serving().modelVersion());
        s.faults().write(out);
        s.checks().write(out);
        s.score().write(out);
        io.hybridcast.streams.anomaly.NoiseStateFormats.writeWhole(s.faults(), out);
        s.checks().writeExtension(out);
        out.flush();
        return bytes.toByteArray();
    }
}
