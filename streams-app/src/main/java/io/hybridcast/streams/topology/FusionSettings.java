package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.IntervalCalibration;

/**
 * How {@link SensorPhysics#add} fuses a sensor's windows: {@code forgetting} per window, at most {@code capacity}
 * windows kept, the interval widened and clipped by the serving version's {@code calibration}, and a revealed
 * estimate ageing as a random walk of relative variance {@code walk} per sample (0: it never ages;
 * {@link io.hybridcast.model.fusion.RevealedAge}).
 */
record FusionSettings(double forgetting, int capacity, IntervalCalibration calibration, double walk) {

    /** Settings under which a revealed estimate never ages. */
    static FusionSettings of(double forgetting, int capacity, IntervalCalibration calibration) {
        return new FusionSettings(forgetting, capacity, calibration, 0);
    }
}
