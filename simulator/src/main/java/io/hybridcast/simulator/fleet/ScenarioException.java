package io.hybridcast.simulator.fleet;

/** A scenario file or fault flag is invalid; the message names the file, the entry, the field and the value. */
public final class ScenarioException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ScenarioException(String message) {
        super(message);
    }

    public ScenarioException(String message, Throwable cause) {
        super(message, cause);
    }
}
