package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.FaultKind;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The faults of a sensor's measurement, not of the system it measures: a noise burst, a spike, a stuck value or a
 * dropout, one at a time, each over a range of samples. It turns the true observation into what the sensor
 * reports and remembers the last reported value (what a stuck sensor repeats).
 */
final class ObservationFaults {

    private FaultSpec active;
    private double[] stuckValues;
    private double[] lastReported;

    /** A measurement fault starts; {@code trueObservation} is what a sensor that never reported would stick at. */
    void start(FaultSpec fault, double[] trueObservation) {
        active = fault;
        if (fault.kind() == FaultKind.STUCK) {
            stuckValues = (lastReported == null ? trueObservation : lastReported).clone();
        }
    }

    /** A measurement fault is active. */
    boolean active() {
        return active != null;
    }

    /**
     * Turns the true observation (in place) into the reported one: Gaussian noise of {@code noiseStd} (wider in a
     * burst), then a spike's offset or a stuck value. Returns false for a dropped sample (nothing is reported).
     */
    boolean report(double[] observation, double noiseStd, RandomGenerator rng) {
        FaultKind kind = active == null ? null : active.kind();
        double std = kind == FaultKind.NOISE_BURST ? noiseStd * active.magnitude() : noiseStd;
        for (int c = 0; c < observation.length; c++) {
            observation[c] += std * rng.nextGaussian();
        }
        if (kind == FaultKind.SPIKE) {
            for (int c = 0; c < observation.length; c++) {
                observation[c] += active.magnitude();
            }
        } else if (kind == FaultKind.STUCK) {
            System.arraycopy(stuckValues, 0, observation, 0, observation.length);
        }
        if (lastReported == null) {
            lastReported = new double[observation.length];
        }
        System.arraycopy(observation, 0, lastReported, 0, observation.length);
        return kind != FaultKind.DROPOUT;
    }

    /** The fault that ends at sample {@code s} (its last one), now over; null if none ends there. */
    FaultSpec endAt(long s) {
        if (active == null || s != active.endSequence()) {
            return null;
        }
        FaultSpec ended = active;
        active = null;
        return ended;
    }

    /** A sentence for a measurement fault's truth record. */
    static String describe(FaultSpec f) {
        return switch (f.kind()) {
            case SPIKE -> String.format(Locale.ROOT, "spike of %+.4g over samples %d..%d", f.magnitude(),
                    f.atSequence(), f.endSequence());
            case STUCK -> "stuck over samples " + f.atSequence() + ".." + f.endSequence();
            case DROPOUT -> "dropout over samples " + f.atSequence() + ".." + f.endSequence();
            case NOISE_BURST -> String.format(Locale.ROOT, "noise burst (std x%.3g) over samples %d..%d",
                    f.magnitude(), f.atSequence(), f.endSequence());
            default -> f.kind().toString();
        };
    }
}
