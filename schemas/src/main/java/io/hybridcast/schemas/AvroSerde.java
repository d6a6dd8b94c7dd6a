package io.hybridcast.schemas;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka serde for a generated Avro record that needs no schema-registry service: Avro single-object
 * encoding ({@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint, then Avro binary).
 *
 * <p>Reading resolves the writer schema through {@link KnownSchemas}, so a reader decodes records written
 * with any known older or newer version of its schema. Anything else fails loudly with a
 * {@link RecordDecodingException} (bad header, truncated or trailing bytes, corrupt body) or an
 * {@link UnknownSchemaException} (fingerprint not known) whose message names the topic and what is wrong;
 * it never returns {@code null} for non-null bytes. Every length and count in a message is checked against
 * {@link DecodeLimits} before Avro allocates anything by it, so a length bomb is such an exception too.
 *
 * <p>Optionally ({@link #useRegistry}: the services' {@code schema.registry.url}) records are written in the
 * schema-registry wire format instead: a 0 byte, the 4-byte big-endian id of the writer schema in a registry with
 * the Confluent-compatible API (registered under the subject {@code <topic>-value}), then the same Avro binary.
 * That is what Kafka Connect's Avro converter, ksqlDB, Flink SQL and other languages' registry serdes read.
 * Reading accepts both framings whatever the setting (by the first byte: {@code C3} or {@code 00}), so a topic
 * can be switched over while old records are still in it.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private static final int HEADER_LENGTH = 10;
    /** Schema-registry framing: magic byte 0 and a 4-byte schema id. */
    private static final int REGISTRY_HEADER_LENGTH = 5;
    /** The registry every serde of the process writes through; null: single-object encoding (the default). */
    private static volatile io.hybridcast.schemas.registry.SchemaRegistryClient registry;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;
    private static final int INITIAL_SCRATCH_BYTES = 512;
    /** A scratch buffer that grew beyond this (a large record, e.g. a model chunk) is not kept for the thread. */
    private static final int MAX_RETAINED_SCRATCH_BYTES = 64 * 1024;

    private final Class<T> type;
    private final SpecificData model;
    private final Schema readerSchema;
    private final long readerFingerprint;
    private final KnownSchemas knownSchemas;
    /** Avro's own single-object encoder: the reference, and the writer of anything {@link #direct} refuses. */
    private final BinaryMessageEncoder<T> encoder;
    /** The same bytes without Avro's per-write schema walk and copies; null if the schema needs Avro's writer. */
    private final DirectRecordWriter direct;
    /** {@code C3 01} and the reader schema's fingerprint, little-endian: the start of every message written. */
    private final byte[] header;
    /** A scratch buffer per thread: a message is written into it once, then copied out once. */
    private final ThreadLocal<DirectRecordWriter.Output> scratch =
            ThreadLocal.withInitial(() -> new DirectRecordWriter.Output(INITIAL_SCRATCH_BYTES));
    /** One resolving reader per writer schema seen; readers are thread-safe once built. */
    private final Map<Long, DatumReader<T>> readersByWriterFingerprint = new ConcurrentHashMap<>();
    /** The writer schema of each reader in {@link #readersByWriterFingerprint}, for {@link DecodeLimits#check}. */
    private final Map<Long, Schema> writerSchemas = new ConcurrentHashMap<>();

    static {
        // before the first decode, so Avro reads its limits from them (see DecodeLimits)
        DecodeLimits.installAvroLimits();
    }

    /** A serde that resolves writer schemas through {@link KnownSchemas#shared()}. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, KnownSchemas.shared());
    }

    public AvroSerde(Class<T> type, KnownSchemas knownSchemas) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.readerFingerprint = KnownSchemas.fingerprint(readerSchema);
        this.knownSchemas = knownSchemas;
        this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
        this.direct = DirectRecordWriter.compile(readerSchema, model);
        DirectRecordWriter.Output head = new DirectRecordWriter.Output(HEADER_LENGTH);
        head.writeByte(MAGIC_0);
        head.writeByte(MAGIC_1);
        head.writeLongLittleEndian(readerFingerprint);
        this.header = head.toByteArray();
    }

    /**
     * Makes every serde of this process write the schema-registry wire format through {@code client}, or, with
     * null, Avro single-object encoding again (the default, which needs no registry service). Set once at start.
     */
    public static void useRegistry(io.hybridcast.schemas.registry.SchemaRegistryClient client) {
        registry = client;
    }

    /** The record class this serde reads and writes. */
    public Class<T> type() {
        return type;
    }

    /**
     * Encodes one record; {@code null} stays {@code null} (a tombstone). The bytes are those of Avro's
     * {@link BinaryMessageEncoder}; a record the direct writer cannot write (e.g. a null in a non-null field) is
     * handed to Avro's encoder, so its bytes or its error are exactly Avro's.
     */
    public byte[] encode(String topic, T value) {
        if (value == null) {
            return null;
        }
        byte[] singleObject = encodeSingleObject(topic, value);
        io.hybridcast.schemas.registry.SchemaRegistryClient client = registry;
        if (client == null) {
            return singleObject;
        }
        int id = client.register(topic + "-value", readerSchema);
        byte[] framed = new byte[REGISTRY_HEADER_LENGTH + singleObject.length - HEADER_LENGTH];
        ByteBuffer.wrap(framed).put((byte) 0).putInt(id);
        System.arraycopy(singleObject, HEADER_LENGTH, framed, REGISTRY_HEADER_LENGTH,
                singleObject.length - HEADER_LENGTH);
        return framed;
    }

    private byte[] encodeSingleObject(String topic, T value) {
        if (direct != null) {
            byte[] bytes = encodeDirect(value);
            if (bytes != null) {
                return bytes;
            }
        }
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + type.getSimpleName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    /** The message written by {@link #direct}, or null if it refused the record. */
    private byte[] encodeDirect(T value) {
        DirectRecordWriter.Output out = scratch.get();
        out.reset();
        try {
            out.writeRaw(header, 0, HEADER_LENGTH);
            direct.write(value, out);
            return out.toByteArray();
        } catch (RuntimeException refused) {
            return null;
        } finally {
            if (out.capacity() > MAX_RETAINED_SCRATCH_BYTES) {
                scratch.remove();
            }
        }
    }

    /** Decodes one record; {@code null} stays {@code null} (a tombstone), anything unreadable throws. */
    public T decode(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String where = type.getSimpleName() + " from topic " + topic;
        if (bytes.length > 0 && bytes[0] == 0) {
            return decodeRegistryFramed(bytes, where);
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new RecordDecodingException("Cannot decode " + where + ": not Avro single-object encoding"
                    + " (expected header C3 01 + 8-byte schema fingerprint, or 00 + 4-byte schema-registry id; got "
                    + bytes.length + " bytes starting "
                    + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, HEADER_LENGTH)) + ")", null);
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        return decodeBody(bytes, HEADER_LENGTH, readerFor(fingerprint, where, null), fingerprint, where);
    }

    /** Schema-registry framing: the writer schema is the registry's schema with the record's id. */
    private T decodeRegistryFramed(byte[] bytes, String where) {
        if (bytes.length < REGISTRY_HEADER_LENGTH) {
            throw new RecordDecodingException("Cannot decode " + where + ": schema-registry framing (magic byte 0) "
                    + "but only " + bytes.length + " bytes, fewer than the 5 of magic byte and schema id", null);
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        io.hybridcast.schemas.registry.SchemaRegistryClient client = registry;
        if (client == null) {
            throw new RecordDecodingException("Cannot decode " + where + ": schema-registry framing (magic byte 0, "
                    + "schema id " + id + ") but this service has no schema registry (set schema.registry.url)", null);
        }
        Schema writer = client.schema(id);
        if (writer == null) {
            throw new UnknownSchemaException("Cannot decode " + where + ": schema id " + id + " is not in the schema "
                    + "registry " + client.url(), id, null);
        }
        long fingerprint = KnownSchemas.fingerprint(writer);
        return decodeBody(bytes, REGISTRY_HEADER_LENGTH, readerFor(fingerprint, where, writer), fingerprint, where);
    }

    private T decodeBody(byte[] bytes, int offset, DatumReader<T> reader, long fingerprint, String where) {
        // every count checked before Avro allocates by it: a length bomb is a dead letter, not an OutOfMemoryError
        String overLimit = DecodeLimits.check(writerSchemas.get(fingerprint), bytes, offset,
                bytes.length - offset);
        if (overLimit != null) {
            throw new RecordDecodingException("Cannot decode " + where + ": " + overLimit, null);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset,
                    bytes.length - offset, null);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new RecordDecodingException("Cannot decode " + where + ": record ends before the message"
                        + " does (trailing bytes after a complete record; corrupt or wrong schema)", null);
            }
            return value;
        } catch (RecordDecodingException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Avro signals a corrupt body in many ways (EOF, AvroRuntimeException, SystemLimitException,
            // UnsupportedOperationException for absurd lengths, index errors): all mean the same to a caller.
            throw new RecordDecodingException("Cannot decode " + where + ": corrupt or truncated body ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** The reader for a writer schema; {@code registered} (may be null) is used when no known schema matches. */
    private DatumReader<T> readerFor(long fingerprint, String where, Schema registered) {
        DatumReader<T> cached = readersByWriterFingerprint.get(fingerprint);
        if (cached != null) {
            return cached;
        }
        Schema writer = fingerprint == readerFingerprint
                ? readerSchema
                : knownSchemas.store().findByFingerprint(fingerprint);
        if (writer == null) {
            writer = registered;
        }
        if (writer == null) {
            throw new UnknownSchemaException("Cannot decode " + where + ": writer schema fingerprint "
                    + Long.toHexString(fingerprint) + " is unknown (a schema version this build does not have; "
                    + "add its .avsc to " + KnownSchemas.HISTORY_FOLDER + ")", fingerprint, null);
        }
        DatumReader<T> reader = new SpecificDatumReader<T>(writer, readerSchema, model);
        writerSchemas.put(fingerprint, writer);
        readersByWriterFingerprint.put(fingerprint, reader);
        return reader;
    }

    @Override
    public Serializer<T> serializer() {
        return this::encode;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::decode;
    }
}
