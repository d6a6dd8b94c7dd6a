package io.hybridcast.model.training;

/**
 * Settings of one training run of a hybrid VAE. Regulariser weights follow Phys-VAE (SCIENCE.md section 3);
 * {@link #defaults(String)} gives the paper's values per system.
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

    /** A config with the default KL weight and physics warm-up. */
    public TrainingConfig(int epochs, int batchSize, double learningRate, long seed, int contextSize, double alpha,
                          double beta, double gamma, double gradientClip, double samRho, boolean samEncoderNeural,
                          boolean regularisers) {
        this(epochs, batchSize, learningRate, seed, contextSize, alpha, beta, gamma, gradientClip, samRho,
                samEncoderNeural, regularisers, DEFAULT_KL_WEIGHT, DEFAULT_PHYSICS_WARMUP_STEPS,
                DEFAULT_HORIZON_RESIDUAL_WEIGHT);
    }

    /** A config whose least-action term measures against the physics alone (Phys-VAE's). */
    public TrainingConfig(int epochs, int batchSize, double learningRate, long seed, int contextSize, double alpha,
                          double beta, double gamma, double gradientClip, double samRho, boolean samEncoderNeural,
                          boolean regularisers, double klWeight, int physicsWarmupSteps, double horizonResidualWeight) {
        this(epochs, batchSize, learningRate, seed, contextSize, alpha, beta, gamma, gradientClip, samRho,
                samEncoderNeural, regularisers, klWeight, physicsWarmupSteps, horizonResidualWeight, false);
    }

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

    /** Phys-VAE's weights for the system, Adam lr 1e-3, batch 200, clip 5, K = 5, SAM off. */
    public static TrainingConfig defaults(String system, int epochs, long seed) {
        return switch (system) {
            case "ADVECTION_DIFFUSION" -> new TrainingConfig(epochs, 200, 1e-3, seed, 5, 1e-1, 1e6, 1e-2, 5, 0,
                    true, true);
            default -> new TrainingConfig(epochs, 200, 1e-3, seed, 5, 1e-2, 1e-1, 1e-3, 5, 0, true, true);
        };
    }

    /** The same run with SAM at radius {@code rho}. */
    public TrainingConfig withSam(double rho) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, contextSize, alpha, beta, gamma,
                gradientClip, rho, samEncoderNeural, regularisers, klWeight, physicsWarmupSteps,
                horizonResidualWeight, leastActionKeepsDrive);
    }

    /** The same run with another seed. */
    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(epochs, batchSize, learningRate, newSeed, contextSize, alpha, beta, gamma,
                gradientClip, samRho, samEncoderNeural, regularisers, klWeight, physicsWarmupSteps,
                horizonResidualWeight, leastActionKeepsDrive);
    }

    /** The same run with other epochs and batch size. */
    public TrainingConfig withSchedule(int newEpochs, int newBatchSize) {
        return new TrainingConfig(newEpochs, newBatchSize, learningRate, seed, contextSize, alpha, beta, gamma,
                gradientClip, samRho, samEncoderNeural, regularisers, klWeight, physicsWarmupSteps,
                horizonResidualWeight, leastActionKeepsDrive);
    }

    /** The same run without the Phys-VAE regularisers (an ablation). */
    public TrainingConfig withoutRegularisers() {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, contextSize, alpha, beta, gamma,
                gradientClip, samRho, samEncoderNeural, false, klWeight, physicsWarmupSteps,
                horizonResidualWeight, leastActionKeepsDrive);
    }

    /** The same run with another weight of R_horizon. */
    public TrainingConfig withHorizonResidualWeight(double weight) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, contextSize, alpha, beta, gamma,
                gradientClip, samRho, samEncoderNeural, regularisers, klWeight, physicsWarmupSteps, weight,
                leastActionKeepsDrive);
    }

    /** The same run with another KL weight and physics warm-up. */
    public TrainingConfig withKlAndWarmup(double newKlWeight, int newWarmupSteps) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, contextSize, alpha, beta, gamma,
                gradientClip, samRho, samEncoderNeural, regularisers, newKlWeight, newWarmupSteps,
                horizonResidualWeight, leastActionKeepsDrive);
    }

    /** The same run with the least-action term measured against physics + drive ({@link #leastActionKeepsDrive()}). */
    public TrainingConfig withLeastActionKeepsDrive(boolean keepsDrive) {
        return new TrainingConfig(epochs, batchSize, learningRate, seed, contextSize, alpha, beta, gamma,
                gradientClip, samRho, samEncoderNeural, regularisers, klWeight, physicsWarmupSteps,
                horizonResidualWeight, keepsDrive);
    }
}
