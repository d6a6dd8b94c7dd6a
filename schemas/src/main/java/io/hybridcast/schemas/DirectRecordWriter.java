package io.hybridcast.schemas;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.generic.PrimitivesArrays;
import org.apache.avro.util.Utf8;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Avro binary encoding of one schema, compiled once into a tree of writers: the bytes of
 * {@link org.apache.avro.specific.SpecificDatumWriter} with the generated classes' model, without its per-write walk of
 * the schema, its per-field conversion look-ups and, for {@code array<double>} held in Avro's own
 * {@link PrimitivesArrays.DoubleArray} (what the readers produce, and what the simulator builds), without boxing.
 *
 * <p>It is strict: it accepts only the Java types the generated classes hold (e.g. {@code Long} for a long,
 * {@link Instant} for a timestamp-millis, an {@link Enum} for an enum) and throws an unchecked exception for anything
 * else, including a null where the schema has none. {@link AvroSerde} then encodes the record again with Avro's own
 * writer, so a caller sees exactly Avro's result or Avro's exception. {@link #compile} returns null for a schema with
 * a logical type other than timestamp-millis (Avro's writer is used for it).
 */
final class DirectRecordWriter {

    /** Writes one datum of a fixed schema. */
    private interface Node {
        void write(Object datum, Output out);
    }

    private final Node root;

    private DirectRecordWriter(Node root) {
        this.root = root;
    }

    /** The writer of {@code schema}, or null if the schema holds something this writer does not support. */
    static DirectRecordWriter compile(Schema schema, GenericData model) {
        try {
            return new DirectRecordWriter(new Compiler(model).node(schema));
        } catch (Unsupported e) {
            return null;
        }
    }

    /** Appends the Avro binary encoding of {@code datum} to {@code out}; throws on anything unexpected. */
    void write(Object datum, Output out) {
        root.write(datum, out);
    }

    private static final java.lang.invoke.VarHandle LONG_LITTLE_ENDIAN =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** A growable byte buffer with Avro's binary primitives. Not thread-safe. */
    static final class Output {
        private byte[] buf;
        private int pos;

        Output(int capacity) {
            buf = new byte[capacity];
        }

        int position() {
            return pos;
        }

        int capacity() {
            return buf.length;
        }

        void reset() {
            pos = 0;
        }

        /** The bytes written so far, copied out. */
        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }

        private void ensure(int more) {
            if (buf.length - pos < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        void writeByte(byte b) {
            ensure(1);
            buf[pos++] = b;
        }

        void writeRaw(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buf, pos, length);
            pos += length;
        }

        void writeLongLittleEndian(long v) {
            ensure(8);
            LONG_LITTLE_ENDIAN.set(buf, pos, v);
            pos += 8;
        }

        /** {@code n} doubles of a primitive array, as {@link #writeDouble} would write them one by one. */
        void writeDoubles(PrimitivesArrays.DoubleArray array, int n) {
            ensure(8 * n);
            byte[] b = buf;
            int p = pos;
            for (int i = 0; i < n; i++) {
                LONG_LITTLE_ENDIAN.set(b, p, Double.doubleToRawLongBits(array.getDouble(i)));
                p += 8;
            }
            pos = p;
        }

        /** Zig-zag variable-length long (Avro {@code long}, and {@code int} which encodes the same). */
        void writeLong(long n) {
            ensure(10);
            long v = (n << 1) ^ (n >> 63);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void writeDouble(double d) {
            writeLongLittleEndian(Double.doubleToRawLongBits(d));
        }

        void writeFloat(float f) {
            ensure(4);
            int bits = Float.floatToRawIntBits(f);
            buf[pos++] = (byte) bits;
            buf[pos++] = (byte) (bits >>> 8);
            buf[pos++] = (byte) (bits >>> 16);
            buf[pos++] = (byte) (bits >>> 24);
        }

        /** Length-prefixed bytes (Avro {@code bytes} and {@code string}). */
        void writeBytes(byte[] bytes, int offset, int length) {
            writeLong(length);
            writeRaw(bytes, offset, length);
        }
    }

    /** A schema or datum this writer does not handle. */
    private static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Compiler {
        private final GenericData model;
        /** Records already being compiled (recursive schemas refer back to them). */
        private final Map<Schema, RecordNode> records = new IdentityHashMap<>();

        Compiler(GenericData model) {
            this.model = model;
        }

        /**
         * The writer of a schema as {@code GenericDatumWriter.write} treats it: a logical type is converted by the
         * datum's class, then the underlying type is written.
         */
        Node node(Schema schema) {
            LogicalType logical = schema.getLogicalType();
            if (logical != null) {
                if (!(logical instanceof LogicalTypes.TimestampMillis) || schema.getType() != Schema.Type.LONG
                        || model.getConversionByClass(Instant.class, logical) == null) {
                    throw new Unsupported("logical type " + logical.getName());
                }
                return (datum, out) -> out.writeLong(((Instant) datum).toEpochMilli());
            }
            return withoutLogicalType(schema);
        }

        Node withoutLogicalType(Schema schema) {
            switch (schema.getType()) {
                case NULL:
                    return (datum, out) -> { };
                case BOOLEAN:
                    return (datum, out) -> out.writeByte(((Boolean) exact(datum, Boolean.class)) ? (byte) 1 : (byte) 0);
                case INT:
                    return (datum, out) -> out.writeLong((Integer) exact(datum, Integer.class));
                case LONG:
                    return (datum, out) -> out.writeLong((Long) exact(datum, Long.class));
                case FLOAT:
                    return (datum, out) -> out.writeFloat((Float) exact(datum, Float.class));
                case DOUBLE:
                    return (datum, out) -> out.writeDouble((Double) exact(datum, Double.class));
                case STRING:
                    return (datum, out) -> writeString((CharSequence) datum, out);
                case BYTES:
                    return (datum, out) -> writeByteBuffer((ByteBuffer) datum, out);
                case FIXED: {
                    int size = schema.getFixedSize();
                    return (datum, out) -> out.writeRaw(((GenericFixed) datum).bytes(), 0, size);
                }
                case ENUM:
                    // SpecificDatumWriter: a Java enum is written by its ordinal (anything else goes to Avro's writer)
                    return (datum, out) -> out.writeLong(((Enum<?>) datum).ordinal());
                case ARRAY:
                    return array(schema);
                case MAP:
                    return map(schema);
                case UNION:
                    return union(schema);
                case RECORD:
                    return record(schema);
                default:
                    throw new Unsupported("type " + schema.getType());
            }
        }

        private Node array(Schema schema) {
            Schema element = schema.getElementType();
            Node items = node(element);
            boolean doubles = element.getType() == Schema.Type.DOUBLE && element.getLogicalType() == null;
            return (datum, out) -> {
                if (doubles && datum instanceof PrimitivesArrays.DoubleArray array) {
                    int size = array.size();
                    if (size > 0) {
                        out.writeLong(size);
                        out.writeDoubles(array, size);
                    }
                    out.writeLong(0);
                    return;
                }
                Collection<?> collection = (Collection<?>) datum;
                int size = collection.size();
                if (size > 0) {
                    out.writeLong(size);
                    long written = 0;
                    if (collection instanceof List<?> list && collection instanceof RandomAccess) {
                        for (int i = 0; i < size; i++) {
                            items.write(list.get(i), out);
                        }
                        written = size;
                    } else {
                        for (Object item : collection) {
                            items.write(item, out);
                            written++;
                        }
                    }
                    if (written != size) {
                        throw new ConcurrentModificationException("array changed while written");
                    }
                }
                out.writeLong(0);
            };
        }

        private Node map(Schema schema) {
            Node values = node(schema.getValueType());
            return (datum, out) -> {
                Map<?, ?> map = (Map<?, ?>) datum;
                int size = map.size();
                if (size > 0) {
                    out.writeLong(size);
                    long written = 0;
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        writeString((CharSequence) entry.getKey(), out);
                        values.write(entry.getValue(), out);
                        written++;
                    }
                    if (written != size) {
                        throw new ConcurrentModificationException("map changed while written");
                    }
                }
                out.writeLong(0);
            };
        }

        private Node union(Schema schema) {
            List<Schema> types = schema.getTypes();
            Node[] branches = new Node[types.size()];
            for (int i = 0; i < branches.length; i++) {
                branches[i] = node(types.get(i));
            }
            return (datum, out) -> {
                // the same resolution as GenericDatumWriter (by the model, which knows the specific classes)
                int index = model.resolveUnion(schema, datum);
                out.writeLong(index);
                branches[index].write(datum, out);
            };
        }

        private Node record(Schema schema) {
            RecordNode existing = records.get(schema);
            if (existing != null) {
                return existing;
            }
            RecordNode node = new RecordNode();
            records.put(schema, node);
            List<Schema.Field> fields = schema.getFields();
            node.positions = new int[fields.size()];
            node.fields = new Node[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                node.positions[i] = fields.get(i).pos();
                node.fields[i] = node(fields.get(i).schema());
            }
            return node;
        }
    }

    /** A record: its fields in schema order, read by position (what {@code GenericData.getField} does). */
    private static final class RecordNode implements Node {
        int[] positions;
        Node[] fields;

        @Override
        public void write(Object datum, Output out) {
            IndexedRecord record = (IndexedRecord) datum;
            for (int i = 0; i < fields.length; i++) {
                fields[i].write(record.get(positions[i]), out);
            }
        }
    }

    private static Object exact(Object datum, Class<?> type) {
        if (datum == null || datum.getClass() != type) {
            throw new Unsupported("expected " + type.getSimpleName() + ", got "
                    + (datum == null ? "null" : datum.getClass().getName()));
        }
        return datum;
    }

    private static void writeString(CharSequence value, Output out) {
        if (value instanceof Utf8 utf8) {
            out.writeBytes(utf8.getBytes(), 0, utf8.getByteLength());
        } else if (value instanceof String string) {
            byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(bytes, 0, bytes.length);
        } else {
            throw new Unsupported("string held as " + (value == null ? "null" : value.getClass().getName()));
        }
    }

    private static void writeByteBuffer(ByteBuffer bytes, Output out) {
        int position = bytes.position();
        int length = bytes.limit() - position;
        if (bytes.hasArray()) {
            out.writeBytes(bytes.array(), bytes.arrayOffset() + position, length);
        } else {
            byte[] copy = new byte[length];
            bytes.duplicate().get(copy, 0, length);
            out.writeBytes(copy, 0, length);
        }
    }
}
