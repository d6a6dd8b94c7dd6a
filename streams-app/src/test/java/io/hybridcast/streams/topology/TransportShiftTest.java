package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The line's transport shift test on windows of known velocity and error. */
class TransportShiftTest {

    static SensorPhysics.WindowEstimate window(long sequence, double velocity, double std, boolean faulty) {
        return new SensorPhysics.WindowEstimate(sequence, 1, new double[]{0.03}, new double[]{0.001}, new double[]{0},
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, faulty, velocity, std);
    }

    /** {@code n} windows of 50 samples with velocity {@code velocity(k)} and a std of 3 % of it. */
    static Deque<SensorPhysics.WindowEstimate> windows(int n, IntToDoubleFunction velocity, long seed) {
        Random random = new Random(seed);
        Deque<SensorPhysics.WindowEstimate> out = new ArrayDeque<>();
        for (int k = 0; k < n; k++) {
            double v = velocity.applyAsDouble(k);
            out.addLast(window(49 + 50L * k, v * (1 + 0.03 * random.nextGaussian()), 0.03 * v, false));
        }
        return out;
    }

    @Test
    void aSteadyVelocityStaysUnderTheThresholdAndAStepIsFoundWhereItHappened() {
        int over = 0;
        for (long seed = 0; seed < 200; seed++) {
            if (TransportShift.test(windows(97, k -> 0.05, seed), -1, 0).z() >= 5) {
                over++;
            }
        }
        // no relative floor at all: the statistic alone keeps a steady line quiet
        assertThat(over).isLessThanOrEqualTo(2);
        // c 0.03 -> 0.06 at window 40, seen two windows later
        TransportShift.Result step = TransportShift.test(windows(42, k -> k < 40 ? 0.03 : 0.06, 7), -1, 0.1);
        assertThat(step.z()).isGreaterThan(5);
        assertThat(step.splitSequence()).isEqualTo(49 + 50L * 40);
        assertThat(step.before()).isBetween(0.029, 0.031);
        assertThat(step.after()).isBetween(0.057, 0.063);
    }

    @Test
    void aSmallShiftAWindowUnderAFaultAndWindowsBeforeTheReferenceDoNotCount() {
        // 4 % (what a tenfold step of D does to the velocity read), however clear: under the 10 % floor
        Deque<SensorPhysics.WindowEstimate> small = new ArrayDeque<>();
        for (int k = 0; k < 60; k++) {
            small.addLast(window(49 + 50L * k, k < 40 ? 0.05 : 0.048, 1e-5, false));
        }
        assertThat(TransportShift.test(small, -1, 0.1).z()).isZero();
        assertThat(TransportShift.test(small, -1, 0).z()).isGreaterThan(5);
        // the windows after the change under a sensor-fault flag, or without a velocity (a jump)
        Deque<SensorPhysics.WindowEstimate> w = windows(44, k -> k < 40 ? 0.03 : 0.06, 7);
        Deque<SensorPhysics.WindowEstimate> faulty = new ArrayDeque<>();
        Deque<SensorPhysics.WindowEstimate> unmeasured = new ArrayDeque<>();
        int k = 0;
        for (SensorPhysics.WindowEstimate e : w) {
            boolean after = k++ >= 40;
            faulty.addLast(after ? window(e.sequence(), e.transport(), e.transportStd(), true) : e);
            unmeasured.addLast(after ? window(e.sequence(), Double.NaN, Double.NaN, false) : e);
        }
        assertThat(TransportShift.test(faulty, -1, 0.1).z()).isLessThan(5);
        assertThat(TransportShift.test(unmeasured, -1, 0.1).z()).isLessThan(5);
        // the reference starts after the change (the last alarm): nothing left to compare
        assertThat(TransportShift.test(w, 49 + 50L * 39, 0.1)).isNull();
    }

    @Test
    void theTransportAndItsReferenceStartSurviveTheChangelogAndFormatFourReadsWithNone() throws Exception {
        SensorPhysics physics = new SensorPhysics();
        physics.add(WindowReading.of(49, 50, 1, java.util.List.of("D"), new double[]{0.03}, new double[]{0.001},
                new double[]{0}).withTransport(new double[]{0.05, 0.002}),
                new FusionSettings(0.95, 64, io.hybridcast.model.fusion.IntervalCalibration.NONE, 0));
        physics.conditions().transportFrom(49);
        physics.conditions().physicsFrom(49);
        physics.conditions().decayFrom(48);
        byte[] bytes = SensorPhysics.SERDE.serializer().serialize("", physics);
        assertThat(bytes[0]).isEqualTo((byte) 7);
        SensorPhysics back = SensorPhysics.SERDE.deserializer().deserialize("", bytes);
        assertThat(back.windowEstimates().peekLast().transport()).isEqualTo(0.05);
        assertThat(back.windowEstimates().peekLast().transportStd()).isEqualTo(0.002);
        assertThat(back.conditions().transportFrom()).isEqualTo(49);
        assertThat(back.conditions().physicsFrom()).isEqualTo(49);
        assertThat(back.conditions().decayFrom()).isEqualTo(48);
        // format 4: the same without the transport flag per window and the transport reference at the end
        java.io.ByteArrayOutputStream four = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(four);
        out.writeByte(4);
        out.writeInt(1);
        out.writeUTF("D");
        out.writeLong(49);
        out.writeLong(-1);
        out.writeInt(1);
        out.writeLong(49);
        out.writeLong(1);
        StateSerde.writeDoubles(out, new double[]{0.03});
        StateSerde.writeDoubles(out, new double[]{0.001});
        StateSerde.writeDoubles(out, new double[]{0});
        out.writeDouble(Double.NaN);
        out.writeDouble(Double.NaN);
        out.writeDouble(Double.NaN);
        out.writeBoolean(false);
        out.writeInt(0); // no revealing windows
        out.writeBoolean(false);
        for (long v : new long[]{-1, -1, -1, -1}) {
            out.writeLong(v);
        }
        out.writeDouble(Double.NaN);
        out.writeLong(-1); // forced reference start
        out.writeInt(0); // no estimates
        SensorPhysics old = SensorPhysics.SERDE.deserializer().deserialize("", four.toByteArray());
        assertThat(old.windows()).isEqualTo(1);
        assertThat(old.windowEstimates().peekLast().transport()).isNaN();
        assertThat(old.conditions().transportFrom()).isEqualTo(-1);
        assertThat(old.conditions().physicsFrom()).isEqualTo(-1);
        assertThat(old.conditions().decayFrom()).isEqualTo(-1);
    }
}
