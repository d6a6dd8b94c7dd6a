package io.hybridcast.trainer.service;

/**
 * Whether a candidate may replace the served version (docs/trainer.md, "Score and promote"): with
 * {@link TrainerSettings.Promotion#BETTER} only a finite candidate with a lower prediction MSE, a z_p spread
 * within sensors relative to the fleet at most {@code spreadTolerance} times the served one, and no more than
 * half (or the served share) of its z_p estimates on a bound of the prior range; with
 * {@link TrainerSettings.Promotion#ALWAYS} every finite candidate.
 */
public final class PromotionRule {

    /** A candidate with more of its z_p estimates on a prior bound than this (and than the served one) is refused. */
    static final double MAX_AT_BOUND = 0.5;
    /**
     * A candidate whose sensor-level z_p error on the guard population exceeds the served version's by more than
     * this share of it is refused: both are scored on the same simulated sensors, so the comparison is paired and
     * a few percent absorb the difference two equally good versions show.
     */
    static final double POPULATION_TOLERANCE = 0.05;

    private final TrainerSettings.Promotion promotion;
    private final double spreadTolerance;

    public PromotionRule(TrainerSettings settings) {
        this.promotion = settings.promotion();
        this.spreadTolerance = settings.spreadTolerance();
    }

    /** Null when the candidate may be published, else why not; {@code served} is null when nothing is served. */
    public String rejection(CandidateScore candidate, CandidateScore served) {
        if (!Double.isFinite(candidate.msePred())) {
            return "candidate prediction MSE is " + candidate.msePred();
        }
        if (served == null || promotion == TrainerSettings.Promotion.ALWAYS) {
            return null;
        }
        if (candidate.msePred() >= served.msePred()) {
            return String.format("prediction MSE %.5g is not better than the served version's %.5g",
                    candidate.msePred(), served.msePred());
        }
        if (!(candidate.zpRelativeSpread() <= served.zpRelativeSpread() * spreadTolerance + 1e-12)) {
            return String.format("physics consistency worse: z_p spread within sensors relative to the fleet "
                            + "%.4g > %.2f x served %.4g", candidate.zpRelativeSpread(), spreadTolerance,
                    served.zpRelativeSpread());
        }
        if (candidate.zpAtBound() > Math.max(MAX_AT_BOUND, served.zpAtBound())) {
            return String.format("physics head stuck at its bounds: %.0f %% of the z_p estimates sit on a bound "
                    + "of the prior range (served: %.0f %%)", 100 * candidate.zpAtBound(), 100 * served.zpAtBound());
        }
        return null;
    }

    /**
     * Null when the candidate reads z_p of the held-out simulated population ({@link PopulationGuard}) no worse
     * than the served version, else why not; {@code ALWAYS} publishes regardless.
     */
    public String populationRejection(double candidateError, double servedError) {
        if (promotion == TrainerSettings.Promotion.ALWAYS) {
            return null;
        }
        if (!Double.isFinite(candidateError)) {
            return "sensor-level z_p error on the guard population is " + candidateError;
        }
        if (Double.isFinite(servedError) && candidateError > servedError * (1 + POPULATION_TOLERANCE)) {
            return String.format("sensor-level z_p error on the held-out simulated population %.2f %% is worse "
                    + "than the served version's %.2f %% (tolerance %.0f %% of it)", 100 * candidateError,
                    100 * servedError, 100 * POPULATION_TOLERANCE);
        }
        return null;
    }
}
