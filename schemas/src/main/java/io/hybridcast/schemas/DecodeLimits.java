package io.hybridcast.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * How long each string, byte field and collection of a record may be, checked on the encoded bytes before Avro
 * decodes (and allocates) anything.
 *
 * <p>Why: Avro sizes a collection or string from a count in the bytes. A 20-byte message that declares 10^8
 * doubles makes the decoder allocate 800 MB; a count near 2^31 throws {@link OutOfMemoryError}, which kills the
 * thread that decodes. {@link #check} walks the writer schema over the bytes with no allocation and refuses a
 * message whose counts exceed what the remaining bytes could hold or what the field means (a reading has at most
 * {@value #MAX_VALUES} values, an id at most {@value #MAX_ID_BYTES} bytes). The bounds are by field name, so
 * they hold for every version of a schema. Avro's own process-wide limits ({@link #installAvroLimits}) are the
 * backstop for any decoding path that does not come through here.
 */
public final class DecodeLimits {

    private static final Logger LOG = LoggerFactory.getLogger(DecodeLimits.class);

    /** An id (sensor, parameter name, topic...): 256 characters, each at most 4 UTF-8 bytes. */
    public static final int MAX_ID_BYTES = 4 * 256;
    /** The values of one reading: the widest system has 20 channels; a few hundred is far beyond any. */
    public static final int MAX_VALUES = 512;
    /** Steps of a forecast and channels per step. */
    public static final int MAX_FORECAST_STEPS = 4096;
    /** Named parameters of a truth or a model's metrics. */
    public static final int MAX_PARAMETERS = 256;
    /** A human-readable text (a truth's description, an anomaly's explanation): 16 KiB. */
    public static final int MAX_TEXT_BYTES = 16 * 1024;
    /** Any other string: 1 MiB (a model's settings JSON). */
    public static final int MAX_STRING_BYTES = 1024 * 1024;
    /** Any bytes field: a model chunk is at most {@link Topics#MODEL_VERSION_MAX_MESSAGE_BYTES}. */
    public static final int MAX_BYTES = 8 * 1024 * 1024;
    /** Any other collection. */
    public static final int MAX_ITEMS = 4096;

    /** Bounds of strings and bytes by field name; others get {@link #MAX_STRING_BYTES} / {@link #MAX_BYTES}. */
    private static final Map<String, Integer> LENGTH_BY_FIELD = Map.ofEntries(
            Map.entry("sensorId", MAX_ID_BYTES), Map.entry("name", MAX_ID_BYTES),
            Map.entry("algorithm", MAX_ID_BYTES), Map.entry("detail", MAX_ID_BYTES),
            Map.entry("sha256", MAX_ID_BYTES), Map.entry("signature", MAX_ID_BYTES),
            Map.entry("sourceTopic", MAX_ID_BYTES), Map.entry("stage", MAX_ID_BYTES),
            Map.entry("errorClass", MAX_ID_BYTES),
            Map.entry("description", MAX_TEXT_BYTES), Map.entry("explanation", MAX_TEXT_BYTES),
            Map.entry("trainingData", MAX_TEXT_BYTES), Map.entry("reason", MAX_TEXT_BYTES * 4),
            // map keys: parameter names and metric names
            Map.entry("physics", MAX_ID_BYTES), Map.entry("unmodelled", MAX_ID_BYTES),
            Map.entry("metrics", MAX_ID_BYTES));

    /** Bounds of arrays and maps (every nesting level) by field name; others get {@link #MAX_ITEMS}. */
    private static final Map<String, Integer> ITEMS_BY_FIELD = Map.of(
            "values", MAX_VALUES, "neuralLatents", MAX_VALUES,
            "mean", MAX_FORECAST_STEPS, "lower", MAX_FORECAST_STEPS, "upper", MAX_FORECAST_STEPS,
            "physics", MAX_PARAMETERS, "unmodelled", MAX_PARAMETERS, "metrics", MAX_PARAMETERS);

    /** Avro's process-wide limits: no string, bytes or collection in any record of this system is larger. */
    static final int AVRO_MAX_BYTES = MAX_BYTES;
    static final int AVRO_MAX_STRING = MAX_STRING_BYTES;
    static final int AVRO_MAX_ITEMS = 1 << 16;

    private DecodeLimits() {
    }

    /**
     * Sets Avro 1.12's {@code org.apache.avro.limits.*} system properties unless the operator set them. Avro
     * reads them once, when {@link SystemLimitException} is loaded; if that happened earlier, its package-private
     * {@code resetLimits} makes it read them again. Returns whether Avro enforces the collection limit (false, and
     * logged, if an operator set a larger one; {@link #check} still bounds this project's decoding).
     */
    public static synchronized boolean installAvroLimits() {
        System.getProperties().putIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY,
                String.valueOf(AVRO_MAX_BYTES));
        System.getProperties().putIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
                String.valueOf(AVRO_MAX_STRING));
        System.getProperties().putIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY,
                String.valueOf(AVRO_MAX_ITEMS));
        if (avroEnforces()) {
            return true;
        }
        // Avro read its properties before they were set (it was used first): have it read them again
        try {
            var reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Cannot make Avro re-read its limits", e);
        }
        if (avroEnforces()) {
            return true;
        }
        LOG.warn("Avro's collection limit is above {} items ({} set otherwise?): only this project's own decode "
                + "limits apply", AVRO_MAX_ITEMS, SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY);
        return false;
    }

    private static boolean avroEnforces() {
        try {
            SystemLimitException.checkMaxCollectionLength(AVRO_MAX_ITEMS + 1L);
            return false;
        } catch (SystemLimitException enforced) {
            return true;
        }
    }

    /**
     * Checks that the Avro binary body {@code bytes[from, from+length)} written with {@code writer} is whole and
     * within the limits. Returns null if so, else the reason (which field, what count, which limit).
     */
    public static String check(Schema writer, byte[] bytes, int from, int length) {
        Scan scan = new Scan(bytes, from, from + length);
        try {
            scan.value(writer, writer.getName(), MAX_STRING_BYTES, MAX_ITEMS);
            return null;
        } catch (LimitExceeded e) {
            return e.getMessage();
        }
    }

    /** A refused count: a checked exception so it cannot escape {@link #check} as anything else. */
    private static final class LimitExceeded extends Exception {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A field's name in a refusal, {@code Record.field}: built only when a refusal is worded (the scan runs for every
     * record read, and concatenating the name of each field it passed was a third of its time).
     */
    private record FieldLabel(String record, String field) {
        @Override
        public String toString() {
            return record + "." + field;
        }
    }

    /** A cursor over Avro binary that skips values, checking every length before anything is read. */
    private static final class Scan {
        private final byte[] b;
        private int pos;
        private final int end;

        Scan(byte[] bytes, int from, int end) {
            this.b = bytes;
            this.pos = from;
            this.end = end;
        }

        void value(Schema s, Object field, int maxLength, int maxItems) throws LimitExceeded {
            switch (s.getType()) {
                case NULL -> { }
                case BOOLEAN -> skip(1, field);
                case INT, LONG -> varLong(field);
                case FLOAT -> skip(4, field);
                case DOUBLE -> skip(8, field);
                case FIXED -> skip(s.getFixedSize(), field);
                case ENUM -> {
                    long i = varLong(field);
                    if (i < 0 || i >= s.getEnumSymbols().size()) {
                        throw new LimitExceeded(field + ": enum index " + i + " is not one of the "
                                + s.getEnumSymbols().size() + " symbols of " + s.getName());
                    }
                }
                case STRING, BYTES -> {
                    long n = varLong(field);
                    int limit = s.getType() == Schema.Type.BYTES ? Math.min(maxLength, MAX_BYTES) : maxLength;
                    if (n < 0 || n > limit) {
                        throw new LimitExceeded(field + ": " + (s.getType() == Schema.Type.BYTES ? "bytes" : "string")
                                + " of " + n + " bytes declared, the limit is " + limit);
                    }
                    skip(n, field);
                }
                case UNION -> {
                    long i = varLong(field);
                    if (i < 0 || i >= s.getTypes().size()) {
                        throw new LimitExceeded(field + ": union branch " + i + " does not exist");
                    }
                    value(s.getTypes().get((int) i), field, maxLength, maxItems);
                }
                case ARRAY -> collection(s.getElementType(), false, field, maxLength, maxItems);
                case MAP -> collection(s.getValueType(), true, field, maxLength, maxItems);
                case RECORD -> {
                    for (Schema.Field f : s.getFields()) {
                        String name = f.name();
                        value(f.schema(), new FieldLabel(s.getName(), name),
                                LENGTH_BY_FIELD.getOrDefault(name, MAX_STRING_BYTES),
                                ITEMS_BY_FIELD.getOrDefault(name, MAX_ITEMS));
                    }
                }
                default -> throw new LimitExceeded(field + ": unsupported type " + s.getType());
            }
        }

        /** Blocks of items until a zero count; the total over all blocks is bounded. */
        private void collection(Schema item, boolean map, Object field, int maxLength, int maxItems)
                throws LimitExceeded {
            long total = 0;
            int minItemBytes = minBytes(item) + (map ? 1 : 0);
            while (true) {
                long count = varLong(field);
                if (count == 0) {
                    return;
                }
                if (count < 0) {
                    count = -count; // a negative count is followed by the block's size in bytes
                    varLong(field);
                }
                if (count < 0 || count > maxItems - total) {
                    throw new LimitExceeded(field + ": " + (map ? "map" : "array") + " of "
                            + (count < 0 ? "an invalid number of" : "at least " + (total + count))
                            + " items declared, the limit is " + maxItems);
                }
                total += count;
                if (minItemBytes > 0 && count > (end - pos) / minItemBytes) {
                    throw new LimitExceeded(field + ": " + count + " items declared but only " + (end - pos)
                            + " bytes remain (corrupt or truncated, or a length bomb)");
                }
                for (long i = 0; i < count; i++) {
                    if (map) {
                        value(Schema.create(Schema.Type.STRING), field + " key", maxLength, maxItems);
                    }
                    value(item, field, maxLength, maxItems);
                }
            }
        }

        /** The fewest bytes a value of this schema takes (so a count can be checked against the bytes left). */
        private static int minBytes(Schema s) {
            return switch (s.getType()) {
                case NULL -> 0;
                case FLOAT -> 4;
                case DOUBLE -> 8;
                case FIXED -> s.getFixedSize();
                case RECORD -> {
                    int sum = 0;
                    for (Schema.Field f : s.getFields()) {
                        sum += minBytes(f.schema());
                    }
                    yield sum;
                }
                default -> 1;
            };
        }

        private void skip(long n, Object field) throws LimitExceeded {
            if (n > end - pos) {
                throw new LimitExceeded(field + ": " + n + " bytes declared but only " + (end - pos)
                        + " remain (corrupt or truncated, or a length bomb)");
            }
            pos += (int) n;
        }

        /** A zig-zag varint long, as Avro writes int and long. */
        private long varLong(Object field) throws LimitExceeded {
            long raw = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (pos >= end) {
                    throw new LimitExceeded(field + ": the message ends inside a number (corrupt or truncated)");
                }
                int b = this.b[pos++] & 0xFF;
                raw |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw new LimitExceeded(field + ": malformed number (more than 10 bytes)");
        }
    }
}
