package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The packed {@link StateSerde#writeDoubles} writes the very bytes of DataOutputStream's int and doubles. */
class StateSerdeDoublesTest {

    static byte[] reference(double[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] packed(double[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(7); // not at offset 0 of the stream
        StateSerde.writeDoubles(out, values);
        out.flush();
        byte[] all = bytes.toByteArray();
        return java.util.Arrays.copyOfRange(all, 1, all.length);
    }

    @Test
    void theSameBytesAsWriteIntAndWriteDoubleAndTheyReadBack() throws IOException {
        Random random = new Random(12);
        double nonCanonicalNaN = Double.longBitsToDouble(0x7ff8_0000_0000_0001L);
        double[][] cases = {
                {}, {0.25}, {-0.0, 0.0, Double.NaN, nonCanonicalNaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MAX_VALUE},
                random.doubles(50).map(v -> (v - 0.5) * 1e6).toArray(), random.doubles(1000).toArray()};
        for (double[] values : cases) {
            byte[] packed = packed(values);
            assertThat(packed).isEqualTo(reference(values));
            double[] back = StateSerde.readDoubles(new DataInputStream(new java.io.ByteArrayInputStream(packed)));
            assertThat(back).hasSize(values.length);
            for (int i = 0; i < values.length; i++) {
                assertThat(Double.doubleToLongBits(back[i])).isEqualTo(Double.doubleToLongBits(values[i]));
            }
        }
    }
}
