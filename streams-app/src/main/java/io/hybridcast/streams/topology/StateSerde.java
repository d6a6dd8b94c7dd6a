package io.hybridcast.streams.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Serde of the streams app's own state-store values (never on a public topic, so no Avro schema is needed):
 * a format version byte, then the fields written by the state class with {@link DataOutputStream}. A value
 * written by an unknown format version fails loudly instead of being misread.
 *
 * @param <T> the state class
 */
public final class StateSerde<T> implements Serde<T> {

    /** Writes the fields of a state value. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    /** Reads the fields of a state value. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private final String name;
    private final byte formatVersion;
    private final Writer<T> writer;
    private final Reader<T> reader;

    public StateSerde(String name, int formatVersion, Writer<T> writer, Reader<T> reader) {
        this.name = name;
        this.formatVersion = (byte) formatVersion;
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(formatVersion);
                writer.write(value, out);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("Cannot encode " + name + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                byte version = in.readByte();
                if (version != formatVersion) {
                    throw new SerializationException("Cannot decode " + name + ": format version " + version
                            + ", this build reads " + formatVersion);
                }
                return reader.read(in);
            } catch (IOException e) {
                throw new SerializationException("Cannot decode " + name + ": " + e.getMessage(), e);
            }
        };
    }

    // ---- helpers shared by the state classes ----

    public static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    public static double[] readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 50_000_000) {
            throw new IOException("bad array length " + n);
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
