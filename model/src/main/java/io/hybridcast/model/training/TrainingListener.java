package io.hybridcast.model.training;

/** Progress of a training run, called after every optimiser step (for progress bars and logs). */
@FunctionalInterface
public interface TrainingListener {

    /**
     * @param step         steps done so far (1-based)
     * @param totalSteps   steps the run will take
     * @param epoch        current epoch (1-based; 0 during a physics warm-up before the first epoch)
     * @param loss         loss of this step
     * @param elapsedNanos wall time since the run started
     */
    void onStep(int step, int totalSteps, int epoch, double loss, long elapsedNanos);

    /**
     * Asked after every step: true ends the run there (early stopping); the steps done so far stay applied.
     */
    default boolean stopRequested() {
        return false;
    }

    /**
     * Factor on the configured learning rate, read by the trainers at every update (a schedule such as
     * {@link EarlyStopping}'s reduce-on-plateau); 1 by default.
     */
    default double learningRateFactor() {
        return 1;
    }

    /**
     * A validation along the way (from {@link EarlyStopping}), for progress bars.
     *
     * @param step   step validated
     * @param metric validation metric at that step (lower is better)
     * @param best   best metric so far
     */
    default void onValidation(int step, double metric, double best) {
    }

    /** A listener that ignores progress. */
    TrainingListener NONE = (step, total, epoch, loss, elapsed) -> { };
}
