package io.hybridcast.simulator.dataset;

/** A dataset on disk is missing, truncated or does not match its manifest; the message says which file and what. */
public final class DatasetFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
