package io.hybridcast.simulator.physics;

import io.hybridcast.avro.SystemKind;

import java.util.Map;

/** The true dynamics of every {@link SystemKind}. */
public final class PhysicalSystems {

    private static final Map<SystemKind, PhysicalSystem> SYSTEMS = Map.of(
            SystemKind.PENDULUM, new PendulumSystem(),
            SystemKind.ADVECTION_DIFFUSION, new AdvectionDiffusionSystem(),
            SystemKind.DOUBLE_PENDULUM, new DoublePendulumSystem());

    private PhysicalSystems() {
    }

    /** The system of a kind. */
    public static PhysicalSystem of(SystemKind kind) {
        PhysicalSystem system = SYSTEMS.get(kind);
        if (system == null) {
            throw new IllegalArgumentException("Unknown system kind: " + kind);
        }
        return system;
    }
}
