package io.hybridcast.streams.validation;

import io.hybridcast.avro.DeadLetter;

import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the {@link DeadLetter} of a record the app could not use, keeping its original bytes. */
public final class DeadLetters {

    /** Where in the app a record failed. */
    public enum Stage { DECODE, VALIDATE, PROCESS }

    private DeadLetters() {
    }

    public static DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value, Stage stage,
                                String reason, Throwable error, long wallClockMs) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setStage(stage.name().toLowerCase(java.util.Locale.ROOT))
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setFailedAt(Instant.ofEpochMilli(wallClockMs))
                .build();
    }
}
