package io.hybridcast.model.vae;

/** How inference derives the predictive band from the posterior. */
public enum BandMethod {
    /** Deterministic sigma points (unscented transform, 2d + 1 decodes per window): the default. */
    SIGMA_POINTS,
    /** The posterior mean plus {@link HybridVae#setPosteriorSamples} random posterior samples per window. */
    MONTE_CARLO;

    /** Parses {@code sigma-points} or {@code monte-carlo}. */
    public static BandMethod parse(String name) {
        return switch (name) {
            case "sigma-points" -> SIGMA_POINTS;
            case "monte-carlo" -> MONTE_CARLO;
            default -> throw new IllegalArgumentException("band method must be sigma-points or monte-carlo, got "
                    + name);
        };
    }
}
