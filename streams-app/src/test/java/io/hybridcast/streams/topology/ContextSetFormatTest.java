package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The context set's format 2 (each window's samples as one block) and format 1 still read after an upgrade. */
class ContextSetFormatTest {

    private static ContextSet sample() {
        ContextSet c = new ContextSet();
        for (int w = 0; w < 3; w++) {
            double[][] samples = new double[50][];
            for (int t = 0; t < 50; t++) {
                samples[t] = new double[]{Math.sin(0.3 * t + w), w == 1 && t == 7 ? -1e300 : -t};
            }
            ContextSet.Window window = new ContextSet.Window(50L * w, samples);
            if (w < 2) {
                window.embedding = new double[]{w, 0.5, -1e-300};
                window.embeddingVersion = 4;
            }
            c.add(window, 6);
        }
        c.pool(4, 100, 5);
        return c;
    }

    @Test
    void formatOneIsReadAndFormatTwoWritesFourBytesLessPerSample() throws IOException {
        ContextSet c = sample();
        byte[] one = formatOne(c);
        byte[] two = ContextSet.SERDE.serializer().serialize("", c);
        assertThat(two[0]).isEqualTo((byte) 2);
        // format 1 wrote a length before each of the 150 samples, format 2 one width per window
        assertThat(one.length - two.length).isEqualTo(150 * 4 - 3 * 4);
        for (byte[] bytes : new byte[][]{one, two}) {
            ContextSet back = ContextSet.SERDE.deserializer().deserialize("", bytes);
            assertThat(back.windows).hasSize(3);
            for (int w = 0; w < 3; w++) {
                assertThat(back.windows.get(w).firstSequence).isEqualTo(c.windows.get(w).firstSequence);
                assertThat(back.windows.get(w).samples).isDeepEqualTo(c.windows.get(w).samples);
                assertThat(back.windows.get(w).embedding).isEqualTo(c.windows.get(w).embedding);
                assertThat(back.windows.get(w).embeddingVersion).isEqualTo(c.windows.get(w).embeddingVersion);
            }
            assertThat(back.pooledSum).isEqualTo(c.pooledSum);
            assertThat(back.pooledCount).isEqualTo(2);
            assertThat(back.pooledVersion).isEqualTo(4);
            assertThat(ContextSet.SERDE.serializer().serialize("", back)).isEqualTo(two);
        }
        ContextSet empty = ContextSet.SERDE.deserializer().deserialize("",
                ContextSet.SERDE.serializer().serialize("", new ContextSet()));
        assertThat(empty.windows).isEmpty();
    }

    /** Format 1 as it was written before format 2: every sample with its own length. */
    static byte[] formatOne(ContextSet c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeInt(c.windows.size());
        for (ContextSet.Window w : c.windows) {
            out.writeLong(w.firstSequence);
            out.writeInt(w.samples.length);
            for (double[] sample : w.samples) {
                StateSerde.writeDoubles(out, sample);
            }
            StateSerde.writeDoubles(out, w.embedding);
            out.writeLong(w.embeddingVersion);
        }
        StateSerde.writeDoubles(out, c.pooledSum);
        out.writeInt(c.pooledCount);
        out.writeLong(c.pooledVersion);
        out.flush();
        return bytes.toByteArray();
    }
}
