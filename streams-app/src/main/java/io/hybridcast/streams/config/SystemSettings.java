package io.hybridcast.streams.config;

import io.hybridcast.avro.SystemKind;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the streams app cuts one system's readings into windows.
 *
 * @param kind           the system
 * @param windowLength   samples per window: the query window the model reads, and the length of each context window
 * @param hop            a sensor is due for a forecast every {@code hop} samples (the newest {@code windowLength} samples)
 * @param contextWindows K: how many past, disjoint windows form the few-shot context set
 * @param horizon        forecast steps beyond the newest sample
 */
public record SystemSettings(SystemKind kind, int windowLength, int hop, int contextWindows, int horizon) {

    /** The four keys of one system, e.g. {@code pendulum.window.length}. */
    record Keys(Setting<Integer> windowLength, Setting<Integer> hop, Setting<Integer> contextWindows,
                Setting<Integer> horizon) {

        static Keys of(SystemKind kind) {
            String prefix = kind.name().toLowerCase(Locale.ROOT) + ".";
            // Defaults follow the papers' 50-step sequences for every system (SCIENCE.md section 2), a
            // forecast every 10 samples (the benchmark setting) and a small context set.
            return new Keys(
                    new Setting<>(prefix + "window.length", "Samples per window for " + kind
                            + " (query window and each context window).", "50", Setting.intBetween(4, 10_000), false),
                    new Setting<>(prefix + "hop", "A " + kind + " sensor gets a forecast every this many samples.",
                            "10", Setting.intBetween(1, 10_000), false),
                    new Setting<>(prefix + "context.windows", "K: past disjoint windows in a " + kind
                            + " sensor's context set; forecasts start once K are complete.", "5",
                            Setting.intBetween(1, 1_000), false),
                    new Setting<>(prefix + "horizon", "Forecast steps for " + kind + ".", "20",
                            Setting.intBetween(1, 10_000), false));
        }

        List<Setting<?>> all() {
            return List.of(windowLength, hop, contextWindows, horizon);
        }

        SystemSettings read(SystemKind kind, Map<String, Object> typed, Map<String, String> sourceOf) {
            int length = (Integer) typed.get(windowLength.key());
            int hopValue = (Integer) typed.get(hop.key());
            if (hopValue > length) {
                throw new SettingsException("Setting " + hop.key() + " = " + hopValue + " (from "
                        + sourceOf.get(hop.key()) + ") is invalid: must not exceed " + windowLength.key() + " = "
                        + length + ", or samples between windows would never be forecast from.");
            }
            return new SystemSettings(kind, length, hopValue, (Integer) typed.get(contextWindows.key()),
                    (Integer) typed.get(horizon.key()));
        }
    }
}
