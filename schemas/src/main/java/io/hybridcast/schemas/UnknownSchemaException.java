package io.hybridcast.schemas;

/**
 * A well-formed single-object encoded record whose writer schema (identified by its CRC-64-AVRO
 * fingerprint) is in no schema this process knows. Usually a newer writer whose schema version has not
 * been added to {@link KnownSchemas} yet.
 */
public class UnknownSchemaException extends RecordDecodingException {
    private static final long serialVersionUID = 1L;
    private final long fingerprint;

    public UnknownSchemaException(String message, long fingerprint, Throwable cause) {
        super(message, cause);
        this.fingerprint = fingerprint;
    }

    /** The writer schema's CRC-64-AVRO fingerprint found in the record header. */
    public long fingerprint() {
        return fingerprint;
    }
}
