package io.hybridcast.trainer.service;

/**
 * How the trainer starts from and continues a base model (docs/trainer.md, "Base models"), validated: a bad
 * value names the flag and the value.
 *
 * @param publishBaseModel publish the shipped base model of the system ({@code trainer base-models}) as the first
 *                         version at start when nothing is served ({@code --base-model})
 * @param replayTasks      simulated population sensors whose windows are replayed with the live fleet's in every
 *                         warm-started run, so that re-meta-training on a handful of live sensors keeps what the
 *                         population taught ({@code --replay-tasks}; 0 = no replay)
 * @param warmSteps        optimiser steps of a warm-started run ({@code --warm-steps}; 0 = {@code --epochs} over the
 *                         live windows, as before)
 * @param guardSensors     held-out simulated sensors on which a candidate's sensor-level z_p must not be worse than
 *                         the served version's before it is promoted ({@code --guard-sensors}; 0 = no guard;
 *                         {@link PopulationGuard})
 */
public record ContinuationSettings(boolean publishBaseModel, int replayTasks, int warmSteps, int guardSensors) {

    /** The service's defaults: base model on, 100 replayed sensors, 600 steps per run, a guard of 40 sensors. */
    public static final ContinuationSettings DEFAULTS = new ContinuationSettings(true, 100, 600, 40);
    /** No base model, no replay, epochs over the live windows, no guard (the trainer before base models). */
    public static final ContinuationSettings OFF = new ContinuationSettings(false, 0, 0, 0);
    /** Seconds of operation of each replayed sensor. */
    static final double REPLAY_SECONDS = 60;

    public ContinuationSettings {
        if (replayTasks < 0 || replayTasks > 10_000) {
            throw new IllegalArgumentException("Setting --replay-tasks must be 0..10000, got " + replayTasks);
        }
        if (warmSteps < 0) {
            throw new IllegalArgumentException("Setting --warm-steps must be >= 0, got " + warmSteps);
        }
        if (guardSensors < 0 || guardSensors > 1_000) {
            throw new IllegalArgumentException("Setting --guard-sensors must be 0..1000, got " + guardSensors);
        }
    }
}
