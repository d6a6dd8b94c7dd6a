package io.hybridcast.streams.validation;

import io.hybridcast.avro.DeadLetter;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds the {@link DeadLetter} of a record the app could not use, keeping its original bytes.
 *
 * <p>A dead letter always fits in one Kafka message (1 MiB by default): it quotes at most
 * {@value #MAX_KEY_BYTES} bytes of the key (also as its own record key, {@link #KEY_SERIALIZER}),
 * {@value #MAX_VALUE_BYTES} bytes of the value and {@value #MAX_REASON_CHARS} characters of reason, and says in the
 * reason what it cut. Without the bound a 350 KB key appeared three times (record key, key field, reason) and the
 * letter could not be produced, which stopped the stream thread on the same record again and again.
 */
public final class DeadLetters {

    /** Where in the app a record failed. */
    public enum Stage { DECODE, VALIDATE, PROCESS }

    /** The most key bytes a dead letter carries: an id is at most 256 characters, 1 KiB of UTF-8. */
    public static final int MAX_KEY_BYTES = 1024;
    /** The most value bytes a dead letter carries: leaves room for key, reason and framing under 1 MiB. */
    public static final int MAX_VALUE_BYTES = 768 * 1024;
    /** The longest reason. */
    public static final int MAX_REASON_CHARS = 4096;

    /** The dead-letter record key: the original key, cut to {@value #MAX_KEY_BYTES} bytes. */
    public static final Serializer<byte[]> KEY_SERIALIZER = (topic, key) -> cut(key, MAX_KEY_BYTES);

    private DeadLetters() {
    }

    public static DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value, Stage stage,
                                String reason, Throwable error, long wallClockMs) {
        String why = reason == null ? String.valueOf(error) : reason;
        if (why.length() > MAX_REASON_CHARS) {
            why = why.substring(0, MAX_REASON_CHARS) + "… (reason cut from " + why.length() + " characters)";
        }
        if (key != null && key.length > MAX_KEY_BYTES) {
            why += " (key cut from " + key.length + " to " + MAX_KEY_BYTES + " bytes)";
        }
        if (value != null && value.length > MAX_VALUE_BYTES) {
            why += " (value cut from " + value.length + " to " + MAX_VALUE_BYTES + " bytes)";
        }
        byte[] keptKey = cut(key, MAX_KEY_BYTES);
        byte[] keptValue = cut(value, MAX_VALUE_BYTES);
        return DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(keptKey == null ? null : ByteBuffer.wrap(keptKey))
                .setValue(keptValue == null ? null : ByteBuffer.wrap(keptValue))
                .setStage(stage.name().toLowerCase(java.util.Locale.ROOT))
                .setReason(why)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setFailedAt(Instant.ofEpochMilli(wallClockMs))
                .build();
    }

    private static byte[] cut(byte[] bytes, int max) {
        return bytes == null || bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
    }
}
