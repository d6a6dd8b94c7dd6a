package io.hybridcast.model.training;

import ai.djl.nn.Parameter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Early stopping on a validation metric (lower is better) for any model whose parameters are a map by id: every
 * {@code validateEvery} steps after the first {@code skipSteps} (a physics warm-up) it computes the metric, keeps
 * a copy of the parameters of the best validation, halves the learning rate after {@code decayAfter} validations
 * without a 1 % improvement (reduce-on-plateau; the trainers read {@link #learningRateFactor()}), and stops after
 * {@code patience} such validations, at the last step, or when the wall-clock budget is used up (a last
 * validation first). {@link #restoreBest()} puts the best checkpoint back.
 *
 * <p>Progress goes on to {@code progress}, including {@link TrainingListener#onValidation} so a progress bar can
 * show the validation metric.
 */
public final class EarlyStopping implements TrainingListener {

    /** Relative improvement a validation must bring to reset the patience. */
    static final double MIN_IMPROVEMENT = 0.01;

    /** One validation along the way. */
    public record Validation(int step, double metric, double learningRateFactor) {
    }

    /**
     * Schedule of the checks.
     *
     * @param validateEvery steps between validations (>= 1)
     * @param patience      validations without a 1 % improvement before stopping (0: never stop early)
     * @param decayAfter    validations without a 1 % improvement before the learning rate is halved (0: never)
     * @param skipSteps     leading steps not validated (a physics warm-up before the joint fit)
     * @param maxMinutes    wall-clock budget from the first step, then a last validation and stop (0: none)
     */
    public record Schedule(int validateEvery, int patience, int decayAfter, int skipSteps, double maxMinutes) {
        /** A schedule without a wall-clock budget. */
        public Schedule(int validateEvery, int patience, int decayAfter, int skipSteps) {
            this(validateEvery, patience, decayAfter, skipSteps, 0);
        }

        public Schedule {
            if (!(maxMinutes >= 0)) {
                throw new IllegalArgumentException("early stopping maxMinutes must be >= 0, got " + maxMinutes);
            }
            if (validateEvery < 1 || patience < 0 || decayAfter < 0 || skipSteps < 0) {
                throw new IllegalArgumentException("early stopping needs validateEvery >= 1 and patience, decayAfter, "
                        + "skipSteps >= 0, got " + validateEvery + ", " + patience + ", " + decayAfter + ", "
                        + skipSteps);
            }
        }
    }

    private final Map<String, Parameter> parameters;
    private final DoubleSupplier metric;
    private final Schedule schedule;
    private final TrainingListener progress;
    private final List<Validation> validations = new ArrayList<>();
    private Map<String, float[]> best;
    private double bestMetric = Double.POSITIVE_INFINITY;
    private int bestStep;
    private int sinceBest;
    private int sinceDecay;
    private int stepsDone;
    private double learningRateFactor = 1;
    private boolean stop;
    private String stopReason = "";
    private long startNanos = -1;

    /**
     * @param parameters the model's parameters by id (snapshot and restore)
     * @param metric     computes the validation metric of the model as it is now (lower is better)
     * @param schedule   when to validate, decay and stop
     * @param progress   receives every step and validation
     */
    public EarlyStopping(Map<String, Parameter> parameters, DoubleSupplier metric, Schedule schedule,
                         TrainingListener progress) {
        this.parameters = parameters;
        this.metric = metric;
        this.schedule = schedule;
        this.progress = progress;
    }

    @Override
    public void onStep(int step, int total, int epoch, double loss, long elapsedNanos) {
        stepsDone = step;
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        progress.onStep(step, total, epoch, loss, elapsedNanos);
        int joint = step - schedule.skipSteps();
        boolean outOfTime = schedule.maxMinutes() > 0 && now - startNanos > schedule.maxMinutes() * 60e9;
        boolean last = step >= total || outOfTime && joint > 0;
        if (joint <= 0 || !(joint % schedule.validateEvery() == 0 || last)) {
            return;
        }
        double value = metric.getAsDouble();
        boolean improved = value < bestMetric * (1 - MIN_IMPROVEMENT);
        if (value < bestMetric) {
            bestMetric = value;
            bestStep = step;
            best = snapshot();
        }
        sinceBest = improved ? 0 : sinceBest + 1;
        sinceDecay = improved ? 0 : sinceDecay + 1;
        if (schedule.decayAfter() > 0 && sinceDecay >= schedule.decayAfter()) {
            learningRateFactor /= 2;
            sinceDecay = 0;
        }
        validations.add(new Validation(step, value, learningRateFactor));
        progress.onValidation(step, value, bestMetric);
        stop = last || schedule.patience() > 0 && sinceBest >= schedule.patience();
        if (stop) {
            stopReason = step >= total ? "step budget used up at step " + step
                    : outOfTime ? "wall-clock budget of " + schedule.maxMinutes() + " min used up at step " + step
                    : "no " + Math.round(MIN_IMPROVEMENT * 100) + " % improvement in " + schedule.patience()
                    + " validations (step " + step + ")";
        }
    }

    /** Why training stopped ("" while it goes on). */
    public String stopReason() {
        return stopReason;
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    @Override
    public double learningRateFactor() {
        return learningRateFactor;
    }

    private Map<String, float[]> snapshot() {
        Map<String, float[]> copy = new HashMap<>();
        parameters.forEach((id, p) -> copy.put(id, p.getArray().toFloatArray()));
        return copy;
    }

    /** Puts the parameters of the best validation back (no-op before the first validation). */
    public void restoreBest() {
        if (best != null) {
            parameters.forEach((id, p) -> p.getArray().set(best.get(id)));
        }
    }

    /** Step of the best validation (0 before the first). */
    public int bestStep() {
        return bestStep;
    }

    /** Best validation metric (+∞ before the first). */
    public double bestMetric() {
        return bestMetric;
    }

    /** Steps done when training ended. */
    public int stepsDone() {
        return stepsDone;
    }

    /** Every validation so far. */
    public List<Validation> validations() {
        return List.copyOf(validations);
    }
}
