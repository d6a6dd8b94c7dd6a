package io.hybridcast.streams.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

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

    /** Reads the fields of a state value written by format {@code version} (between the oldest readable and now). */
    @FunctionalInterface
    public interface VersionedReader<T> {
        T read(DataInputStream in, int version) throws IOException;
    }

    private final String name;
    private final byte formatVersion;
    private final byte oldestReadable;
    private final Writer<T> writer;
    private final VersionedReader<T> reader;
    /**
     * Each thread's output buffer, reused from value to value (a stream thread writes back hundreds of values per
     * commit: a fresh buffer each time was a tenth of the serialiser's time); the value's bytes are copied out.
     */
    /** Buffers beyond this size are not kept for the next value. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;
    private static final ThreadLocal<Bytes> BUFFERS = ThreadLocal.withInitial(() -> new Bytes(1024));

    public StateSerde(String name, int formatVersion, Writer<T> writer, Reader<T> reader) {
        this(name, formatVersion, formatVersion, writer, (in, version) -> reader.read(in));
    }

    /**
     * A serde that writes {@code formatVersion} and still reads the older formats from {@code oldestReadable} on
     * (state written before an upgrade is read, not lost).
     */
    public StateSerde(String name, int formatVersion, int oldestReadable, Writer<T> writer, VersionedReader<T> reader) {
        if (oldestReadable > formatVersion) {
            throw new IllegalArgumentException("oldest readable format " + oldestReadable + " is newer than "
                    + formatVersion);
        }
        this.name = name;
        this.formatVersion = (byte) formatVersion;
        this.oldestReadable = (byte) oldestReadable;
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
                Bytes bytes = BUFFERS.get();
                if (bytes.inUse) {
                    bytes = new Bytes(1024); // a writer that serialises another value on the way (none does yet)
                }
                bytes.inUse = true;
                try {
                    bytes.size = 0;
                    DataOutputStream out = bytes.stream();
                    out.writeByte(formatVersion);
                    writer.write(value, out);
                    out.flush();
                    return bytes.toByteArray();
                } finally {
                    bytes.inUse = false;
                    if (bytes.buffer.length > MAX_KEPT_BUFFER) {
                        BUFFERS.remove(); // one very large value should not pin its buffer for good
                    }
                }
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
            try (DataInputStream in = new DataInputStream(new Input(data))) {
                byte version = in.readByte();
                if (version < oldestReadable || version > formatVersion) {
                    throw new SerializationException("Cannot decode " + name + ": format version " + version
                            + ", this build reads " + (oldestReadable == formatVersion ? String.valueOf(formatVersion)
                            : oldestReadable + " to " + formatVersion));
                }
                return reader.read(in, version);
            } catch (IOException e) {
                throw new SerializationException("Cannot decode " + name + ": " + e.getMessage(), e);
            }
        };
    }

    /**
     * Byte output without {@link java.io.ByteArrayOutputStream}'s lock: DataOutputStream writes every int
     * and double as a separate call, and an uncontended lock per call was the largest cost of the
     * forecaster's state path (JFR, docs/streams-app.md "Benchmark").
     */
    private static final class Bytes extends OutputStream {
        private byte[] buffer;
        private int size;
        private boolean inUse;
        private Packed stream;

        Bytes(int capacity) {
            buffer = new byte[capacity];
        }

        /** The data stream over this buffer, made once. */
        Packed stream() {
            if (stream == null) {
                stream = new Packed(this);
            }
            return stream;
        }

        /** Makes room for {@code n} bytes at the end and returns where they start. */
        int reserve(int n) {
            ensure(n);
            int at = size;
            size += n;
            return at;
        }

        private void ensure(int extra) {
            if (size + extra > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buffer, size, len);
            size += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }

    /**
     * The serialiser's data stream, over its buffer: the packed writers below put their values straight into the
     * buffer instead of packing them into an array of their own and copying it (a third of the bytes a sensor state's
     * serialisation allocated). DataOutputStream holds nothing back, so the two kinds of write stay in order.
     */
    private static final class Packed extends DataOutputStream {
        private final Bytes bytes;

        Packed(Bytes bytes) {
            super(bytes);
            this.bytes = bytes;
        }
    }

    /** Byte input without {@link java.io.ByteArrayInputStream}'s lock (DataInputStream reads ints byte by byte). */
    private static final class Input extends InputStream {
        private final byte[] data;
        private int position;

        Input(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = Math.min(len, data.length - position);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return data.length - position;
        }
    }

    // ---- helpers shared by the state classes ----

    /** Big-endian longs in a byte array, as {@link DataOutputStream#writeLong} writes them. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * The length, then each value: the bytes of {@code writeInt} and {@code writeDouble}, packed first and written
     * at once (DataOutputStream hands an int to the stream as four one-byte writes: with the window's samples
     * written at every commit, that was the largest cost of the state write-back).
     */
    public static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        java.nio.ByteBuffer block = beginBlock(out, Integer.BYTES + Double.BYTES * values.length);
        block.putInt(values.length);
        for (double v : values) {
            block.putLong(Double.doubleToLongBits(v));
        }
        endBlock(out, block);
    }

    /**
     * Rows of equal width as one block: the row count, the width (when there are rows), then the values row by row,
     * packed and written at once. A window's samples written this way take 8 bytes per value instead of 8 per value
     * plus 4 per sample (the length {@link #writeDoubles} writes for each row). Rows of unequal width are refused.
     */
    public static void writeRows(DataOutputStream out, List<double[]> rows) throws IOException {
        writeRows(out, rows.toArray(new double[0][]), 0, rows.size(), NO_ROWS, 0, 0);
    }

    private static final double[][] NO_ROWS = new double[0][];

    /**
     * {@link #writeRows(DataOutputStream, List)}'s bytes for the rows {@code a[aFrom .. aFrom + aCount)} followed by
     * {@code b[bFrom .. bFrom + bCount)} (a ring's two runs), without a list.
     */
    static void writeRows(DataOutputStream out, double[][] a, int aFrom, int aCount, double[][] b, int bFrom,
                          int bCount) throws IOException {
        int count = aCount + bCount;
        int width = count == 0 ? 0 : (aCount > 0 ? a[aFrom] : b[bFrom]).length;
        java.nio.ByteBuffer block = beginBlock(out,
                Integer.BYTES * (count == 0 ? 1 : 2) + Double.BYTES * width * count);
        block.putInt(count);
        if (count > 0) {
            block.putInt(width);
        }
        packRows(block, a, aFrom, aCount, width);
        packRows(block, b, bFrom, bCount, width);
        endBlock(out, block);
    }

    private static void packRows(java.nio.ByteBuffer block, double[][] rows, int from, int count, int width)
            throws IOException {
        for (int r = from; r < from + count; r++) {
            double[] row = rows[r];
            if (row.length != width) {
                throw new IOException("rows of unequal width: " + row.length + " and " + width);
            }
            for (int j = 0; j < width; j++) {
                block.putLong(Double.doubleToLongBits(row[j]));
            }
        }
    }

    /**
     * A block of {@code length} bytes for a writer to fill (big-endian, as DataOutputStream writes), then to hand to
     * {@link #endBlock}: in the serialiser's own buffer when {@code out} is its stream, so that the block is neither
     * an array of its own nor copied; a fresh array otherwise.
     */
    public static java.nio.ByteBuffer beginBlock(DataOutputStream out, int length) {
        if (out instanceof Packed p) {
            int at = p.bytes.reserve(length);
            return java.nio.ByteBuffer.wrap(p.bytes.buffer, at, length);
        }
        return java.nio.ByteBuffer.allocate(length);
    }

    /** Ends a block from {@link #beginBlock}, filled: writes it unless it was filled in place. */
    public static void endBlock(DataOutputStream out, java.nio.ByteBuffer block) throws IOException {
        if (!(out instanceof Packed)) {
            out.write(block.array(), 0, block.capacity());
        }
    }

    /** Reads what {@link #writeRows} wrote, the row count already read. */
    public static double[][] readRows(DataInputStream in, int count) throws IOException {
        if (count < 0 || count > 1_000_000) {
            throw new IOException("bad row count " + count);
        }
        if (count == 0) {
            return new double[0][];
        }
        int width = in.readInt();
        if (width < 0 || (long) width * count > 50_000_000) {
            throw new IOException("bad row width " + width);
        }
        byte[] packed = new byte[Double.BYTES * width * count];
        in.readFully(packed);
        double[][] rows = new double[count][width];
        int at = 0;
        for (double[] row : rows) {
            for (int j = 0; j < width; j++) {
                row[j] = Double.longBitsToDouble((long) LONGS.get(packed, at));
                at += Double.BYTES;
            }
        }
        return rows;
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
