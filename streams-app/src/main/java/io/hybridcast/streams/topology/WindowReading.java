package io.hybridcast.streams.topology;

import java.util.List;

/**
 * One window's reading for {@link SensorPhysics#add}: what the model inferred from the window ending at
 * {@code sequence} (z_p's mean and std per parameter named {@code names}, the neural latents' mean, by model
 * version {@code modelVersion}) and what the window itself shows, each NaN where not measured: the free swing (the
 * cubic's std, {@code swing}, and its phase-free amplitude, {@code swingAmplitude};
 * {@link io.hybridcast.model.fusion.FreeSwing}), the forced amplitude at the sensor's forcing frequency with its
 * standard error ({@code forced}) and the line's transport velocity with its standard error ({@code transport}).
 * Built by {@link #of} and the {@code with} methods.
 */
record WindowReading(long sequence, int windowLength, long modelVersion, List<String> names, double[] mean,
                     double[] std, double[] latents, double swing, double swingAmplitude, double[] forced,
                     double[] transport) {

    /** The model's posterior of the window, with nothing the window shows measured. */
    static WindowReading of(long sequence, int windowLength, long modelVersion, List<String> names, double[] mean,
                            double[] std, double[] latents) {
        return new WindowReading(sequence, windowLength, modelVersion, names, mean, std, latents, Double.NaN,
                Double.NaN, SensorPhysics.UNMEASURED, SensorPhysics.UNMEASURED);
    }

    /** With the free swing: the cubic's std and the phase-free amplitude (either NaN: not measured). */
    WindowReading withSwing(double cubicStd, double amplitude) {
        return new WindowReading(sequence, windowLength, modelVersion, names, mean, std, latents, cubicStd, amplitude,
                forced, transport);
    }

    /** With the forced amplitude = {amplitude, its std}. */
    WindowReading withForced(double[] forcedAmplitude) {
        return new WindowReading(sequence, windowLength, modelVersion, names, mean, std, latents, swing,
                swingAmplitude, forcedAmplitude, transport);
    }

    /** With the line's transport velocity = {velocity, its std}. */
    WindowReading withTransport(double[] transportVelocity) {
        return new WindowReading(sequence, windowLength, modelVersion, names, mean, std, latents, swing,
                swingAmplitude, forced, transportVelocity);
    }
}
