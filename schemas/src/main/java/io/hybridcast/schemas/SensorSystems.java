package io.hybridcast.schemas;

import io.hybridcast.avro.SystemKind;

import java.util.List;
import java.util.Map;

/**
 * The facts every service needs about a {@link SystemKind}: how many channels a reading has, how often a
 * sensor samples, which physics parameter the model infers and the physically possible range of readings.
 * The values follow SCIENCE.md section 2; the dynamics themselves live in the simulator (truth) and the
 * model module (incomplete physics).
 */
public final class SensorSystems {

    /** Description of one system kind. */
    public record Spec(
            SystemKind kind,
            int channels,
            long sampleIntervalMillis,
            List<String> physicsParameters,
            List<String> unmodelledParameters,
            double minReading,
            double maxReading) {

        /** Sample interval in seconds. */
        public double dtSeconds() {
            return sampleIntervalMillis / 1000.0;
        }
    }

    private static final Map<SystemKind, Spec> SPECS = Map.of(
            // theta in rad; a forced pendulum can go over the top, so angles are not wrapped:
            // the physical bound is generous and only catches garbage.
            SystemKind.PENDULUM, new Spec(SystemKind.PENDULUM, 1, 50,
                    List.of("omega"), List.of("gamma", "A", "f"), -1.0e3, 1.0e3),
            SystemKind.ADVECTION_DIFFUSION, new Spec(SystemKind.ADVECTION_DIFFUSION, 20, 20,
                    List.of("D"), List.of("c"), -10.0, 10.0),
            SystemKind.DOUBLE_PENDULUM, new Spec(SystemKind.DOUBLE_PENDULUM, 2, 50,
                    List.of("g_over_l"), List.of("gamma1", "gamma2"), -1.0e3, 1.0e3));

    private SensorSystems() {
    }

    /** The spec of a system kind. */
    public static Spec of(SystemKind kind) {
        Spec spec = SPECS.get(kind);
        if (spec == null) {
            throw new IllegalArgumentException("Unknown system kind: " + kind);
        }
        return spec;
    }
}
