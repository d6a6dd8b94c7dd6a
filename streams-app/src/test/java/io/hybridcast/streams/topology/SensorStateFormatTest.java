package io.hybridcast.streams.topology;

import io.hybridcast.avro.SystemKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sensor state's changelog format 5 (with the sensor-level physics), and format 4 still read after an upgrade. */
class SensorStateFormatTest {

    @Test
    void sensorLevelPhysicsSurvivesTheChangelog() {
        SensorState state = new SensorState("p1", SystemKind.PENDULUM);
        state.accept(new double[]{0.1}, 0, 1000, 20);
        for (int w = 0; w < 5; w++) {
            assertThat(state.physics().add(19 + 20L * w, 20, 1, List.of("omega"), new double[]{2 + 0.01 * w},
                    new double[]{0.1}, new double[]{0.3, -0.2}, 0.95, 64)).isTrue();
        }
        // an overlapping window (one hop later) is not fused: it is nearly the same evidence
        assertThat(state.physics().add(19 + 20L * 4 + 5, 20, 1, List.of("omega"), new double[]{2},
                new double[]{0.1}, new double[]{0, 0}, 0.95, 64)).isFalse();
        byte[] bytes = SensorState.SERDE.serializer().serialize("", state);
        assertThat(bytes[0]).isEqualTo((byte) 5);
        SensorState back = SensorState.SERDE.deserializer().deserialize("", bytes);
        assertThat(back.physics().windows()).isEqualTo(5);
        assertThat(back.physics().names()).containsExactly("omega");
        assertThat(back.physics().estimates()).containsExactly(state.physics().estimates());
        assertThat(back.readings()).isEqualTo(1);
        assertThat(SensorState.SERDE.serializer().serialize("", back)).isEqualTo(bytes);
    }

    @Test
    void formatFourIsReadWithNoSensorLevelPhysics() throws Exception {
        SensorState state = new SensorState("p1", SystemKind.PENDULUM);
        state.accept(new double[]{0.1}, 0, 1000, 20);
        state.accept(new double[]{0.2}, 1, 1050, 20);
        byte[] five = SensorState.SERDE.serializer().serialize("", state);
        // format 4 is format 5 without the physics written at its end, and with the usual neural share (a
        // UsualLevel, 28 bytes) before the usual band residual (the last 28 bytes before the physics)
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        new SensorPhysics().write(new DataOutputStream(tail));
        byte[] withoutPhysics = Arrays.copyOf(five, five.length - tail.size());
        ByteArrayOutputStream share = new ByteArrayOutputStream();
        new io.hybridcast.streams.anomaly.UsualLevel(0.1).write(new DataOutputStream(share));
        ByteArrayOutputStream four = new ByteArrayOutputStream();
        int band = withoutPhysics.length - 28;
        four.write(withoutPhysics, 0, band);
        four.write(share.toByteArray());
        four.write(withoutPhysics, band, 28);
        byte[] fourBytes = four.toByteArray();
        fourBytes[0] = 4;
        SensorState back = SensorState.SERDE.deserializer().deserialize("", fourBytes);
        assertThat(back.readings()).isEqualTo(2);
        assertThat(back.recent().newest(2)).isDeepEqualTo(new double[][]{{0.1}, {0.2}});
        assertThat(back.physics().windows()).isZero();
        assertThat(back.physics().estimates()).isEmpty();
    }
}
