package io.hybridcast.streams.anomaly;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Sensor-state format 8 writes the noise check's symmetric matrix as its upper triangle, anything else whole. */
class NoiseStateFormatTest {

    private static byte[] write(FaultState f) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        f.writeNoise(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static FaultState read(byte[] bytes, int version) throws IOException {
        FaultState f = new FaultState();
        f.readNoise(new DataInputStream(new ByteArrayInputStream(bytes)), version);
        return f;
    }

    @Test
    void aSymmetricMatrixTakesItsUpperTriangleAndComesBackExactly() throws IOException {
        FaultState f = new FaultState();
        int n = NoiseState.ORDER;
        f.noise.p = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = i == j ? 1e4 / (i + 1) : Math.sin(i * 7 + j) * 1e-3;
                f.noise.p[i * n + j] = v;
                f.noise.p[j * n + i] = v;
            }
        }
        f.noise.p[1] = -0.0; // bits, not values, decide
        f.noise.p[n] = -0.0;
        f.noise.theta = new double[]{1, -0.5, 0.25, 0, 0, 1e-9};
        f.noise.variance = new double[]{0.01};
        f.noise.learned = 321;
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        NoiseStateFormats.writeWhole(f, new DataOutputStream(whole));
        byte[] eight = write(f);
        // the dimension, the triangle's length and 21 values instead of a length and 36 values
        assertThat(whole.size() - eight.length).isEqualTo((36 - 21) * Double.BYTES - Integer.BYTES);
        for (FaultState back : new FaultState[]{read(eight, 8), read(whole.toByteArray(), 7)}) {
            assertThat(back.noise.p).isEqualTo(f.noise.p);
            assertThat(Double.doubleToRawLongBits(back.noise.p[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
            assertThat(back.noise.theta).isEqualTo(f.noise.theta);
            assertThat(back.noise.learned).isEqualTo(321);
            assertThat(write(back)).isEqualTo(eight);
        }
    }

    @Test
    void aMatrixThatIsNotSymmetricOrNotStartedIsWrittenAsItIs() throws IOException {
        FaultState f = new FaultState();
        int n = NoiseState.ORDER;
        f.noise.p = new double[n * n];
        for (int k = 0; k < n * n; k++) {
            f.noise.p[k] = k;
        }
        assertThat(read(write(f), 8).noise.p).isEqualTo(f.noise.p);
        FaultState fresh = new FaultState();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        NoiseStateFormats.writeWhole(fresh, new DataOutputStream(whole));
        assertThat(write(fresh)).isEqualTo(whole.toByteArray());
        assertThat(read(write(fresh), 8).noise.p).isEmpty();
    }
}
