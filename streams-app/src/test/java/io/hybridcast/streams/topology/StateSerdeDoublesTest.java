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

    /** Fields of both kinds, interleaved: the serialiser packs into its own buffer, a plain stream gets copies. */
    private static void mixed(double[][] rows, DataOutputStream out) throws IOException {
        out.writeInt(rows.length);
        StateSerde.writeRows(out, java.util.Arrays.asList(rows));
        out.writeUTF("between");
        StateSerde.writeDoubles(out, rows.length == 0 ? new double[0] : rows[rows.length - 1]);
        out.writeLong(42);
        StateSerde.writeRows(out, rows, rows.length / 2, rows.length - rows.length / 2, rows, 0, rows.length / 2);
        java.nio.ByteBuffer block = StateSerde.beginBlock(out, Integer.BYTES + Double.BYTES * (1 + rows.length));
        block.putInt(rows.length).putDouble(0.125);
        for (double[] row : rows) {
            block.putDouble(row[0]);
        }
        StateSerde.endBlock(out, block);
        out.writeDouble(-1.5);
    }

    @Test
    void theSerialiserPacksInPlaceTheBytesAStreamGetsAndGrowsItsBuffer() throws IOException {
        StateSerde<double[][]> serde = new StateSerde<>("mixed", 1, StateSerdeDoublesTest::mixed,
                in -> null);
        Random random = new Random(5);
        for (int n : new int[]{0, 1, 50, 2000}) { // 2 000 rows of 2: past the 1 024-byte starting buffer
            double[][] rows = new double[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = random.doubles(2).toArray();
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(1);
            mixed(rows, out);
            assertThat(serde.serializer().serialize("t", rows)).as("%d rows", n).isEqualTo(bytes.toByteArray());
        }
    }
}
