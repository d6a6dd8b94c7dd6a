package io.hybridcast.model.training;

/**
 * Settings of one training run of a hybrid VAE. Regulariser weights follow Phys-VAE (SCIENCE.md section 3);
 * {@link #defaults(String, int, long)} gives the paper's values per system, {@link #builder()} any other config.
 *
 * @param epochs            passes over the training windows
 * @param batchSize         query windows per step
 * @param learningRate      Adam learning rate
 * @param seed              seed of weights, batching and augmentation draws
 * @param contextSize       K, context windows per query for meta models (ignored otherwise)
 * @param alpha             weight of the least-action regulariser (and of the KL, as (1 + α)·σ²·KL)
 * @param beta              weight of the physics data-augmentation regulariser
 * @param gamma             weight of the unmixing regulariser
 * @param gradientClip      gradients are clipped to [-clip, clip] elementwise
 * @param samRho            SAM radius ρ; 0 turns SAM off
 * @param samEncoderNeural  whether the encoder's neural parts (set network, unmixer, velocity head) are
 *                          perturbed by SAM along with the decoder's networks
 * @param regularisers      false for the "hybrid without regularisers" ablation
 * @param klWeight          multiplier of the KL term on top of Phys-VAE's (1 + α)·σ² (1 = Phys-VAE); a
 *                          larger value gives the priors, and so the Meta model's context-conditional prior,
 *                          more weight against the reconstruction
 * @param physicsWarmupSteps optimiser steps, before the joint fit, that train only the physics head and the
 *                          unmixer on R_dataug (physics-only trajectories simulated from random z_p; no data
 *                          is used); 0 for none (Phys-VAE trains R_dataug only jointly)
 * @param horizonResidualWeight weight of R_horizon, the squared output residual f_A2 over the forecast
 *                          horizon beyond the window: training windows never reach those samples, so without it
 *                          they stay at their random initial values and land in every forecast; by least
 *                          action the neural part should add nothing where no data asks for it. When it is
 *                          on, a new model's horizon rows also start at zero (and so stay there); 0 turns both
 *                          off (Phys-VAE's decoder as it was)
 * @param leastActionKeepsDrive with the rotating drive ({@code ModelSpec.drive}): the least-action term measures the
 *                          neural half against physics + drive (a third solve, x_PD) instead of the physics alone,
 *                          so that α penalises only what the in-ODE net and the output residual add, never the
 *                          drive, which rides in the neural half; false (default): against x_P, as Phys-VAE
 * @see #builder()
 */
public record TrainingConfig(
        int epochs,
        int batchSize,
        double learningRate,
        long seed,
        int contextSize,
        double alpha,
        double beta,
        double gamma,
        double gradientClip,
        double samRho,
        boolean samEncoderNeural,
        boolean regularisers,
        double klWeight,
        int physicsWarmupSteps,
        double horizonResidualWeight,
        boolean leastActionKeepsDrive) {

    /** Default {@link #klWeight()}: Phys-VAE's KL scaling unchanged. */
    public static final double DEFAULT_KL_WEIGHT = 1;
    /** Default {@link #physicsWarmupSteps()}. */
    public static final int DEFAULT_PHYSICS_WARMUP_STEPS = 0;
    /** Default {@link #horizonResidualWeight()}. */
    public static final double DEFAULT_HORIZON_RESIDUAL_WEIGHT = 1;

    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("training setting epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("training setting batchSize must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("training setting learningRate must be > 0, got " + learningRate);
        }
        if (contextSize < 0) {
            throw new IllegalArgumentException("training setting contextSize must be >= 0, got " + contextSize);
        }
        requireWeight(alpha, "alpha");
        requireWeight(beta, "beta");
        requireWeight(gamma, "gamma");
        if (!(gradientClip > 0) || Double.isInfinite(gradientClip)) {
            throw new IllegalArgumentException("training setting gradientClip must be finite and > 0, got "
                    + gradientClip);
        }
        if (samRho < 0) {
            throw new IllegalArgumentException("training setting samRho must be >= 0, got " + samRho);
        }
        if (!(klWeight >= 0) || Double.isInfinite(klWeight)) {
            throw new IllegalArgumentException("training setting klWeight must be finite and >= 0, got " + klWeight);
        }
        if (!(horizonResidualWeight >= 0) || Double.isInfinite(horizonResidualWeight)) {
            throw new IllegalArgumentException("training setting horizonResidualWeight must be finite and >= 0, got "
                    + horizonResidualWeight);
        }
        if (physicsWarmupSteps < 0) {
            throw new IllegalArgumentException("training setting physicsWarmupSteps must be >= 0, got "
                    + physicsWarmupSteps);
        }
    }

    private static void requireWeight(double weight, String name) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("training setting " + name + " must be finite and >= 0, got " + weight);
        }
    }

    /** Phys-VAE's weights for the system, Adam lr 1e-3, batch 200, clip 5, K = 5, SAM off. */
    public static TrainingConfig defaults(String system, int epochs, long seed) {
        Builder builder = builder().setEpochs(epochs).setBatchSize(200).setLearningRate(1e-3).setSeed(seed);
        return switch (system) {
            case "ADVECTION_DIFFUSION" -> builder.setAlpha(1e-1).setBeta(1e6).setGamma(1e-2).build();
            default -> builder.setAlpha(1e-2).setBeta(1e-1).setGamma(1e-3).build();
        };
    }

    /** A builder with nothing set: the required settings must be, the optional ones have their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every setting of this config, to change some of them. */
    public Builder toBuilder() {
        return builder().setEpochs(epochs).setBatchSize(batchSize).setLearningRate(learningRate).setSeed(seed)
                .setAlpha(alpha).setBeta(beta).setGamma(gamma).optContextSize(contextSize).optGradientClip(gradientClip)
                .optSamRho(samRho).optSamEncoderNeural(samEncoderNeural).optRegularisers(regularisers)
                .optKlWeight(klWeight).optPhysicsWarmupSteps(physicsWarmupSteps)
                .optHorizonResidualWeight(horizonResidualWeight).optLeastActionKeepsDrive(leastActionKeepsDrive);
    }

    /** The same run with SAM at radius {@code rho}. */
    public TrainingConfig withSam(double rho) {
        return toBuilder().optSamRho(rho).build();
    }

    /** The same run with other epochs and batch size. */
    public TrainingConfig withSchedule(int newEpochs, int newBatchSize) {
        return toBuilder().setEpochs(newEpochs).setBatchSize(newBatchSize).build();
    }

    /**
     * Builds a {@link TrainingConfig} in DJL's style: {@code setX} for the settings without a default (epochs,
     * batch size, learning rate, seed and the regulariser weights α, β, γ, which depend on the system),
     * {@code optX} for the rest, whose defaults are Phys-VAE's: K = 5, clip 5, SAM off (perturbing the encoder's
     * neural parts when on), regularisers on, KL weight 1, no physics warm-up, R_horizon weight 1, least action
     * against the physics alone.
     */
    public static final class Builder {
        private Integer epochs;
        private Integer batchSize;
        private Double learningRate;
        private Long seed;
        private Double alpha;
        private Double beta;
        private Double gamma;
        private int contextSize = 5;
        private double gradientClip = 5;
        private double samRho;
        private boolean samEncoderNeural = true;
        private boolean regularisers = true;
        private double klWeight = DEFAULT_KL_WEIGHT;
        private int physicsWarmupSteps = DEFAULT_PHYSICS_WARMUP_STEPS;
        private double horizonResidualWeight = DEFAULT_HORIZON_RESIDUAL_WEIGHT;
        private boolean leastActionKeepsDrive;

        private Builder() {
        }

        /** Sets {@link TrainingConfig#epochs()} (required). */
        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Sets {@link TrainingConfig#batchSize()} (required). */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Sets {@link TrainingConfig#learningRate()} (required). */
        public Builder setLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Sets {@link TrainingConfig#seed()} (required). */
        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sets {@link TrainingConfig#alpha()} (required; {@link TrainingConfig#defaults} has the paper's). */
        public Builder setAlpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Sets {@link TrainingConfig#beta()} (required; {@link TrainingConfig#defaults} has the paper's). */
        public Builder setBeta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Sets {@link TrainingConfig#gamma()} (required; {@link TrainingConfig#defaults} has the paper's). */
        public Builder setGamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /** Sets {@link TrainingConfig#contextSize()} (default 5). */
        public Builder optContextSize(int contextSize) {
            this.contextSize = contextSize;
            return this;
        }

        /** Sets {@link TrainingConfig#gradientClip()} (default 5). */
        public Builder optGradientClip(double gradientClip) {
            this.gradientClip = gradientClip;
            return this;
        }

        /** Sets {@link TrainingConfig#samRho()} (default 0, SAM off). */
        public Builder optSamRho(double samRho) {
            this.samRho = samRho;
            return this;
        }

        /** Sets {@link TrainingConfig#samEncoderNeural()} (default true). */
        public Builder optSamEncoderNeural(boolean samEncoderNeural) {
            this.samEncoderNeural = samEncoderNeural;
            return this;
        }

        /** Sets {@link TrainingConfig#regularisers()} (default true; false for the ablation without them). */
        public Builder optRegularisers(boolean regularisers) {
            this.regularisers = regularisers;
            return this;
        }

        /** Sets {@link TrainingConfig#klWeight()} (default {@link #DEFAULT_KL_WEIGHT}). */
        public Builder optKlWeight(double klWeight) {
            this.klWeight = klWeight;
            return this;
        }

        /** Sets {@link TrainingConfig#physicsWarmupSteps()} (default {@link #DEFAULT_PHYSICS_WARMUP_STEPS}, none). */
        public Builder optPhysicsWarmupSteps(int physicsWarmupSteps) {
            this.physicsWarmupSteps = physicsWarmupSteps;
            return this;
        }

        /** Sets {@link TrainingConfig#horizonResidualWeight()} (default {@link #DEFAULT_HORIZON_RESIDUAL_WEIGHT}). */
        public Builder optHorizonResidualWeight(double horizonResidualWeight) {
            this.horizonResidualWeight = horizonResidualWeight;
            return this;
        }

        /** Sets {@link TrainingConfig#leastActionKeepsDrive()} (default false). */
        public Builder optLeastActionKeepsDrive(boolean leastActionKeepsDrive) {
            this.leastActionKeepsDrive = leastActionKeepsDrive;
            return this;
        }

        /**
         * The config; the canonical constructor validates every value.
         *
         * @throws IllegalArgumentException when a required setting is missing or a value is out of range
         */
        public TrainingConfig build() {
            return new TrainingConfig(required(epochs, "epochs"), required(batchSize, "batchSize"),
                    required(learningRate, "learningRate"), required(seed, "seed"), contextSize,
                    required(alpha, "alpha"), required(beta, "beta"), required(gamma, "gamma"), gradientClip, samRho,
                    samEncoderNeural, regularisers, klWeight, physicsWarmupSteps, horizonResidualWeight,
                    leastActionKeepsDrive);
        }

        private static <T> T required(T value, String name) {
            if (value == null) {
                throw new IllegalArgumentException("training setting " + name + " is required (call set"
                        + Character.toUpperCase(name.charAt(0)) + name.substring(1) + ")");
            }
            return value;
        }
    }
}
