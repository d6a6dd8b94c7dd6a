package io.hybridcast.streams.config;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One documented, typed setting of the streams app (in the style of Debezium's {@code Field}): its key, what
 * it means, its default and how a text value is parsed and checked. Every setting can come from a properties
 * file, the environment ({@link #environmentName()}) or a command-line flag; see {@link StreamsSettings}.
 *
 * @param key          the property key, e.g. {@code batch.max.size}
 * @param doc          one sentence on what it controls and its unit
 * @param defaultValue the default as text (parsed like any other value)
 * @param parser       text to typed value; throws {@link IllegalArgumentException} with the reason on bad input
 * @param secret       true when the value must never be logged or shown (keys)
 * @param <T>          the typed value
 */
public record Setting<T>(String key, String doc, String defaultValue, Function<String, T> parser, boolean secret) {

    /** The prefix of every environment variable that sets a streams-app setting. */
    public static final String ENV_PREFIX = "HYBRIDCAST_STREAMS_";

    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(parser, "parser");
    }

    /** The environment variable for this setting: {@code HYBRIDCAST_STREAMS_} + key upper-cased, dots to underscores. */
    public String environmentName() {
        return ENV_PREFIX + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Parses a raw value; a bad one becomes a {@link SettingsException} naming this setting, the value and
     * where it came from.
     */
    public T parse(String raw, String source) {
        try {
            return parser.apply(raw.strip());
        } catch (RuntimeException e) {
            String shown = secret ? "<secret>" : "'" + raw + "'";
            throw new SettingsException("Setting " + key + " = " + shown + " (from " + source + ") is invalid: "
                    + e.getMessage() + ". " + doc);
        }
    }

    // ---- parsers with range checks ----

    static Function<String, Integer> intBetween(int min, int max) {
        return text -> {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return value;
        };
    }

    /** One of {@code choices}, spelled exactly; the error lists them ("must be a or b", "must be a, b or c"). */
    static Function<String, String> oneOf(String... choices) {
        List<String> allowed = List.of(choices);
        String listed = allowed.size() == 1 ? allowed.get(0) : String.join(", ", allowed.subList(0, allowed.size() - 1))
                + " or " + allowed.get(allowed.size() - 1);
        return text -> {
            if (!allowed.contains(text)) {
                throw new IllegalArgumentException("must be " + listed);
            }
            return text;
        };
    }

    static Function<String, Long> longBetween(long min, long max) {
        return text -> {
            long value;
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return value;
        };
    }

    static Function<String, Double> doubleBetween(double min, double max) {
        return text -> {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
            if (!Double.isFinite(value) || value < min || value > max) {
                throw new IllegalArgumentException("must be a finite number between " + min + " and " + max);
            }
            return value;
        };
    }

    static Function<String, Boolean> bool() {
        return text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    static Function<String, String> nonBlank() {
        return text -> {
            if (text.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return text;
        };
    }

    /**
     * A duration between {@code min} and {@code max}: a whole number with a unit ({@code 24h}, {@code 30m},
     * {@code 90s}, {@code 1500ms}, {@code 7d}) or ISO-8601 ({@code PT24H}, which is also how a value is shown).
     */
    static Function<String, java.time.Duration> durationBetween(java.time.Duration min, java.time.Duration max) {
        return text -> {
            java.time.Duration value;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})(ms|s|m|h|d)").matcher(text);
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    value = switch (m.group(2)) {
                        case "ms" -> java.time.Duration.ofMillis(n);
                        case "s" -> java.time.Duration.ofSeconds(n);
                        case "m" -> java.time.Duration.ofMinutes(n);
                        case "h" -> java.time.Duration.ofHours(n);
                        default -> java.time.Duration.ofDays(n);
                    };
                } else {
                    value = java.time.Duration.parse(text);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a duration (e.g. 24h, 30m, 90s, 1500ms, 7d or PT24H)");
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return value;
        };
    }
}
