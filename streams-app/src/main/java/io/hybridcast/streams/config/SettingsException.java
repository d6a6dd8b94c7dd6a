package io.hybridcast.streams.config;

/** A setting with a bad value, or an unknown setting; the message names the setting, the value and its source. */
public class SettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SettingsException(String message) {
        super(message);
    }
}
