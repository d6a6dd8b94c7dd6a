package io.hybridcast.model.bundle;

/** A model bundle that is corrupt, truncated, of an unknown format, or does not fit what was expected. */
public class InvalidBundleException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidBundleException(String message) {
        super(message);
    }

    public InvalidBundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
