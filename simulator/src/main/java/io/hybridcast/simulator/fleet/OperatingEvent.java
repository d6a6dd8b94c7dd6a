package io.hybridcast.simulator.fleet;

/**
 * Operating events a machine's controller announces in its readings ({@code SensorReading.operatingEvent}). They are
 * not faults: the physics is unchanged; the state jumps (start-up, re-excitation) or the unmodelled drive changes
 * (drive off / on). A free oscillation after {@link #DRIVE_OFF} reveals ω, which is why real machines' events help
 * identification.
 */
public enum OperatingEvent {
    /** The sensor's first sample of this run: a fresh state, nothing known about the past. */
    START_UP,
    /** The pendulum's forcing is switched off (A = 0) from this sample on. */
    DRIVE_OFF,
    /** The pendulum's forcing is back to its amplitude from this sample on. */
    DRIVE_ON,
    /** A run-down system was kicked (a push, a fresh release of material) just before this sample. */
    RE_EXCITATION
}
