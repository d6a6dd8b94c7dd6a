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
}
