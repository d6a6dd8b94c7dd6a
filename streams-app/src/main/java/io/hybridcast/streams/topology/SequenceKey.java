package io.hybridcast.streams.topology;

/**
 * The key of a per-point state record, (sensor id, sequence), as a string whose order is the sensor's sequence
 * order: the id's length in four hex digits, the id, then the sequence in sixteen hex digits with its sign bit
 * flipped (so signed order is string order). The length prefix makes the key unambiguous whatever characters an
 * id holds: the keys of one sensor are exactly those between {@link #first} and {@link #last}, and no other
 * sensor's key falls between them, which is what a range scan of one sensor's points relies on.
 *
 * <p>Why a string: the stores, their changelogs and interactive queries keep using the String key serde, whose
 * UTF-8 bytes order like the code points, and the prefix and the hex digits are ASCII.
 */
public final class SequenceKey {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Characters of the length prefix: an id can have up to 65 535 (writeUTF's limit is in bytes, below that). */
    private static final int LENGTH_DIGITS = 4;
    private static final int SEQUENCE_DIGITS = 16;

    private SequenceKey() {
    }

    /** The key of {@code sensorId}'s record at {@code sequence}. */
    public static String of(String sensorId, long sequence) {
        int length = sensorId.length();
        if (length > 0xffff) {
            throw new IllegalArgumentException("sensor id of " + length + " characters is too long for a state key");
        }
        char[] key = new char[LENGTH_DIGITS + length + SEQUENCE_DIGITS];
        for (int i = LENGTH_DIGITS - 1, v = length; i >= 0; i--, v >>>= 4) {
            key[i] = HEX[v & 0xf];
        }
        sensorId.getChars(0, length, key, LENGTH_DIGITS);
        long flipped = sequence ^ Long.MIN_VALUE;
        for (int i = key.length - 1; i >= LENGTH_DIGITS + length; i--, flipped >>>= 4) {
            key[i] = HEX[(int) (flipped & 0xf)];
        }
        return new String(key);
    }

    /** The smallest key a record of {@code sensorId} can have. */
    public static String first(String sensorId) {
        return of(sensorId, Long.MIN_VALUE);
    }

    /** The largest key a record of {@code sensorId} can have. */
    public static String last(String sensorId) {
        return of(sensorId, Long.MAX_VALUE);
    }

    /** The sequence of a key made by {@link #of}. */
    public static long sequenceOf(String key) {
        long flipped = 0;
        for (int i = key.length() - SEQUENCE_DIGITS; i < key.length(); i++) {
            flipped = (flipped << 4) | Character.digit(key.charAt(i), 16);
        }
        return flipped ^ Long.MIN_VALUE;
    }

    /** The sensor id of a key made by {@link #of}; refuses a string that is not such a key. */
    public static String sensorOf(String key) {
        if (key.length() < LENGTH_DIGITS + SEQUENCE_DIGITS) {
            throw new IllegalArgumentException("not a sequence key: '" + key + "'");
        }
        int length = Integer.parseInt(key.substring(0, LENGTH_DIGITS), 16);
        if (key.length() != LENGTH_DIGITS + length + SEQUENCE_DIGITS) {
            throw new IllegalArgumentException("not a sequence key (length " + length + "): '" + key + "'");
        }
        return key.substring(LENGTH_DIGITS, LENGTH_DIGITS + length);
    }
}
