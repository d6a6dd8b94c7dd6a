package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.FaultKind;

/**
 * One fault to inject into one sensor (an entry of a scenario file, see docs/simulator.md).
 *
 * @param sensor          id of the sensor, e.g. {@code pendulum-0}
 * @param kind            what happens
 * @param atSequence      sequence number at which it starts
 * @param durationSamples how many samples it lasts (drift: samples to reach the target; step and unmodelled
 *                        change are permanent and ignore it); at least 1
 * @param parameter       the parameter changed by PARAMETER_STEP / PARAMETER_DRIFT (a physics parameter) or
 *                        UNMODELLED_CHANGE (an unmodelled factor); null otherwise
 * @param value           the new (step, unmodelled change) or final (drift) value of {@code parameter}
 * @param magnitude       SPIKE: offset added to every channel; NOISE_BURST: factor on the noise std
 */
public record FaultSpec(String sensor, FaultKind kind, long atSequence, long durationSamples, String parameter,
                        double value, double magnitude) {

    /** Last sequence number affected by a transient fault (spike, stuck, dropout, noise burst, drift). */
    public long endSequence() {
        return atSequence + durationSamples - 1;
    }

    /** The same fault, {@code samples} later (a resumed sensor counts its schedule from its first sample). */
    FaultSpec shifted(long samples) {
        return new FaultSpec(sensor, kind, atSequence + samples, durationSamples, parameter, value, magnitude);
    }

    /** True for faults that end by themselves (the sensor is healthy afterwards). */
    public boolean transientFault() {
        return switch (kind) {
            case SPIKE, STUCK, DROPOUT, NOISE_BURST -> true;
            default -> false;
        };
    }
}
