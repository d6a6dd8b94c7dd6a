package io.hybridcast.simulator.fleet;

/**
 * How fast simulated time runs against the wall clock.
 *
 * @param speedup event-time seconds per wall-clock second; {@link Double#POSITIVE_INFINITY} for as fast as possible
 */
public record Rate(double speedup) {

    /** Event time follows the wall clock. */
    public static final Rate REAL_TIME = new Rate(1.0);
    /** No pacing at all: as fast as the simulation and the producer can go. */
    public static final Rate AS_FAST_AS_POSSIBLE = new Rate(Double.POSITIVE_INFINITY);

    public Rate {
        if (!(speedup > 0.0)) {
            throw new IllegalArgumentException("rate must be > 0 times real time, got " + speedup);
        }
    }

    /** N times real time. */
    public static Rate times(double n) {
        return new Rate(n);
    }

    /** True when no pacing is done. */
    public boolean unpaced() {
        return Double.isInfinite(speedup);
    }

    /**
     * Parses {@code real-time}, {@code max} (or {@code as-fast-as-possible}) and {@code <N>x} (e.g. {@code 10x}).
     *
     * @throws IllegalArgumentException naming the value when it is none of these
     */
    public static Rate parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        switch (value) {
            case "real-time", "realtime", "1x":
                return REAL_TIME;
            case "max", "as-fast-as-possible", "unlimited":
                return AS_FAST_AS_POSSIBLE;
            default:
                break;
        }
        if (value.endsWith("x")) {
            try {
                double n = Double.parseDouble(value.substring(0, value.length() - 1));
                if (n > 0 && Double.isFinite(n)) {
                    return times(n);
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("rate must be 'real-time', 'max' or '<N>x' with N > 0 (e.g. 10x), got '"
                + text + "'");
    }

    @Override
    public String toString() {
        return unpaced() ? "max" : speedup == 1.0 ? "real-time" : speedup + "x";
    }
}
