package io.hybridcast.simulator.fleet;

/**
 * One scheduled operating event of one sensor (an entry of a scenario file's {@code events}, see docs/simulator.md):
 * the drive is switched off at {@code atSequence} and on again {@code durationSamples} later.
 *
 * @param sensor          id of the sensor; it must have a drive (a pendulum)
 * @param kind            the event; {@link OperatingEvent#DRIVE_OFF} is the one that can be scheduled
 * @param atSequence      sample at which the drive goes off (counted from the sensor's first sample of this run)
 * @param durationSamples samples the drive stays off; the sample after them announces {@link OperatingEvent#DRIVE_ON}
 */
public record EventSpec(String sensor, OperatingEvent kind, long atSequence, long durationSamples) {

    /** Last sample with the drive off. */
    public long endSequence() {
        return atSequence + durationSamples - 1;
    }

    /** The same event, {@code samples} later (a resumed sensor counts its schedule from its first sample). */
    EventSpec shifted(long samples) {
        return new EventSpec(sensor, kind, atSequence + samples, durationSamples);
    }
}
