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
 * The changelog formats: the sensor-level physics in its own store, the sensor state's format 5 (with the live
 * forecast score, without the usual neural share) and format 4 still read after an upgrade.
 */
class SensorStateFormatTest {

    @Test
    void sensorLevelPhysicsSurvivesTheChangelog() {
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < 5; w++) {
            assertThat(physics.add(19 + 20L * w, 20, 1, List.of("omega"), new double[]{2 + 0.01 * w},
                    new double[]{0.1}, new double[]{0.3, -0.2}, 0.95, 64, IntervalCalibration.NONE)).isTrue();
        }
        // an overlapping window (one hop later) is not fused: it is nearly the same evidence
        assertThat(physics.add(19 + 20L * 4 + 5, 20, 1, List.of("omega"), new double[]{2},
                new double[]{0.1}, new double[]{0, 0}, 0.95, 64, IntervalCalibration.NONE)).isFalse();
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
        byte[] six = SensorState.SERDE.serializer().serialize("", state);
        assertThat(six[0]).isEqualTo((byte) 6);
        // format 5 is format 6 without the noise check's memory and drift's hold at its end
        ByteArrayOutputStream extension = new ByteArrayOutputStream();
        new io.hybridcast.streams.anomaly.FaultState().writeNoise(new DataOutputStream(extension));
        new io.hybridcast.streams.anomaly.ModelCheckState().writeExtension(new DataOutputStream(extension));
        byte[] five = Arrays.copyOf(six, six.length - extension.size());
        five[0] = 5;
        assertThat(SensorState.SERDE.serializer().serialize("", SensorState.SERDE.deserializer()
                .deserialize("", five))).isEqualTo(six);
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
        assertThat(SensorState.SERDE.serializer().serialize("", back)).isEqualTo(six);
    }
}
