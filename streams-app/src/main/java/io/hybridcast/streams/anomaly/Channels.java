package io.hybridcast.streams.anomaly;

import io.hybridcast.avro.SystemKind;

/** Human names and units of a system's channels and physics parameters, for the anomaly sentences. */
public final class Channels {

    private Channels() {
    }

    /** Name of channel {@code c} of a reading, e.g. theta, theta2, u[7]. */
    public static String name(SystemKind system, int c) {
        return switch (system) {
            case PENDULUM -> "theta";
            case DOUBLE_PENDULUM -> "theta" + (c + 1);
            case ADVECTION_DIFFUSION -> "u[" + c + "]";
        };
    }

    /** Unit of a reading, with a leading space, or empty when dimensionless. */
    public static String unit(SystemKind system) {
        return system == SystemKind.ADVECTION_DIFFUSION ? "" : " rad";
    }

    /** Unit of a physics parameter, with a leading space. */
    public static String parameterUnit(String parameter) {
        return switch (parameter) {
            case "omega" -> " rad/s";
            case "D" -> " length^2/s";
            case "g_over_l" -> " 1/s^2";
            default -> "";
        };
    }

    /** A number rounded to three significant digits, in plain notation where that stays short. */
    public static String num(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        if (value == 0) {
            return "0";
        }
        java.math.BigDecimal rounded = new java.math.BigDecimal(value)
                .round(new java.math.MathContext(3)).stripTrailingZeros();
        double magnitude = Math.abs(value);
        return magnitude >= 1e-4 && magnitude < 1e7 ? rounded.toPlainString() : rounded.toString();
    }
}
