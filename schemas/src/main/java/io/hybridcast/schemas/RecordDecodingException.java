package io.hybridcast.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a record this application can read: not Avro single-object encoding, truncated or
 * otherwise corrupt. Thrown instead of returning null so that a bad record is never silently dropped; the
 * streams app routes such records to the dead-letter topic with this message as the reason.
 */
public class RecordDecodingException extends SerializationException {
    private static final long serialVersionUID = 1L;

    public RecordDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
