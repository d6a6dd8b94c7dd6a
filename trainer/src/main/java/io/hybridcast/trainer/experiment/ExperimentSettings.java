package io.hybridcast.trainer.experiment;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.training.TrainingConfig;

import java.util.List;
import java.util.Objects;

/**
 * Scale, schedule and model choices of one {@link Experiment} run. Built with {@link #builder()}: the system, the
 * scale, the schedule, the seeds and the variants are required; every other value has the default its
 * {@code optX} names (the {@code experiment} command's defaults).
 */
public record ExperimentSettings(SystemKind system, int trainTasks, int perTask, int testTasks, int epochs,
                                 int batchSize, double learningRate, List<Long> seeds, int horizon, int contextSize,
                                 List<ModelVariant> variants, String physicsHeadMap, double klWeight,
                                 int physicsWarmupSteps, double horizonResidualWeight, int validateEvery, int patience,
                                 double maxMinutes, String solver, boolean plausiblePrior, String residualForm,
                                 int hidden, int timeBank, boolean embedSpectrum, boolean drive,
                                 boolean oracleZn, double alpha, boolean leastActionKeepsDrive,
                                 boolean sensorPooling, boolean profileRefinesLatents) {

    /** The least-action weight α the VAEs train with: {@link #alpha()}, or the system's default when that is NaN. */
    public double effectiveAlpha() {
        return Double.isNaN(alpha) ? TrainingConfig.defaults(system.name(), epochs, 0).alpha() : alpha;
    }

    /** A builder with nothing required set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ExperimentSettings}; {@link #build()} names a missing required value. */
    public static final class Builder {
        private SystemKind system;
        private Integer trainTasks;
        private int perTask;
        private int testTasks;
        private Integer epochs;
        private int batchSize;
        private double learningRate;
        private List<Long> seeds;
        private List<ModelVariant> variants;
        private int horizon = 20;
        private int contextSize = 5;
        private String physicsHeadMap = "sigmoid";
        private double klWeight = 1;
        private int physicsWarmupSteps = 300;
        private double horizonResidualWeight = 1;
        private int validateEvery;
        private int patience = 10;
        private double maxMinutes;
        private String solver = "rk4";
        private boolean plausiblePrior;
        private String residualForm = "mlp";
        private int hidden = 64;
        private int timeBank;
        private boolean embedSpectrum;
        private boolean drive;
        private boolean oracleZn;
        private double alpha = Double.NaN;
        private boolean sensorPooling = true;
        private boolean profileRefinesLatents;
        private boolean leastActionKeepsDrive;

        private Builder() {
        }

        /** The physical system. */
        public Builder setSystem(SystemKind value) {
            system = value;
            return this;
        }

        /** Training tasks, sequences per task, test tasks. */
        public Builder setScale(int tasks, int sequencesPerTask, int heldOutTasks) {
            trainTasks = tasks;
            perTask = sequencesPerTask;
            testTasks = heldOutTasks;
            return this;
        }

        /** Epochs, batch size and the initial learning rate. */
        public Builder setSchedule(int epochCount, int batch, double rate) {
            epochs = epochCount;
            batchSize = batch;
            learningRate = rate;
            return this;
        }

        /** Seeds, one trained model per seed and variant. */
        public Builder setSeeds(List<Long> value) {
            seeds = value;
            return this;
        }

        /** Model variants to train. */
        public Builder setVariants(List<ModelVariant> value) {
            variants = value;
            return this;
        }

        /** Forecast horizon in samples (default 20). */
        public Builder optHorizon(int value) {
            horizon = value;
            return this;
        }

        /** Context windows per task for the meta models (default 5). */
        public Builder optContextSize(int value) {
            contextSize = value;
            return this;
        }

        /** Physics head map, sigmoid (default) or clamp. */
        public Builder optPhysicsHeadMap(String value) {
            physicsHeadMap = value;
            return this;
        }

        /** KL weight (default 1). */
        public Builder optKlWeight(double value) {
            klWeight = value;
            return this;
        }

        /** Physics warm-up steps before the joint fit (default 300). */
        public Builder optPhysicsWarmupSteps(int value) {
            physicsWarmupSteps = value;
            return this;
        }

        /** Weight of R_horizon (default 1). */
        public Builder optHorizonResidualWeight(double value) {
            horizonResidualWeight = value;
            return this;
        }

        /** Validate every so many steps (0: never), stop after so many without gain, wall budget (0: none). */
        public Builder optEarlyStopping(int every, int validations, double minutes) {
            validateEvery = every;
            patience = validations;
            maxMinutes = minutes;
            return this;
        }

        /** rk4 (default) or euler. */
        public Builder optSolver(String value) {
            solver = value;
            return this;
        }

        /** True for the physically plausible prior range of z_p, false for the service's (default). */
        public Builder optPlausiblePrior(boolean value) {
            plausiblePrior = value;
            return this;
        }

        /** Output residual form, mlp (default) or sinusoids. */
        public Builder optResidualForm(String value) {
            residualForm = value;
            return this;
        }

        /** Width of every hidden layer (default 64). */
        public Builder optHidden(int value) {
            hidden = value;
            return this;
        }

        /** Frequencies of the VAEs' in-ODE time bank (default 0: none). */
        public Builder optTimeBank(int value) {
            timeBank = value;
            return this;
        }

        /** Whether the VAEs' set encoder also reads the window's spectrum (default false). */
        public Builder optEmbedSpectrum(boolean value) {
            embedSpectrum = value;
            return this;
        }

        /** Whether the VAEs' ODE carries the rotating drive states (default false). */
        public Builder optDrive(boolean value) {
            drive = value;
            return this;
        }

        /** Offline oracle ablation: the VAEs' z_n set to the true unmodelled parameters (default false). */
        public Builder optOracleZn(boolean value) {
            oracleZn = value;
            return this;
        }

        /**
         * Weight α of the VAEs' least-action regulariser (and of their KL, as (1 + α)·σ²); NaN (default): the
         * system's paper default of {@code TrainingConfig.defaults}.
         */
        public Builder optAlpha(double value) {
            alpha = value;
            return this;
        }

        /**
         * Whether the VAEs' least-action term measures the neural half against physics + drive rather than the
         * physics alone, so α does not penalise the drive (default false; needs {@link #optDrive}).
         */
        public Builder optLeastActionKeepsDrive(boolean value) {
            leastActionKeepsDrive = value;
            return this;
        }

        /**
         * Whether the hybrid VAEs are also scored on whole test sequences of 1 + K windows ({@code SensorPooling}:
         * profile fits of each window and pooled over a sequence; default true). At 300 test sequences these fits
         * take longer than the rest of the scoring; false leaves them out of results.json and changes nothing else.
         */
        public Builder optSensorPooling(boolean value) {
            sensorPooling = value;
            return this;
        }

        /**
         * Whether the VAEs' test-time profile fit of z_p also refines z_n under the model's prior of it
         * ({@code PhysicsProfileFit}, default false: z_n held at the encoder's mean).
         */
        public Builder optProfileRefinesLatents(boolean value) {
            profileRefinesLatents = value;
            return this;
        }

        /** The settings; refuses a missing required value, naming it. */
        public ExperimentSettings build() {
            Objects.requireNonNull(system, "experiment setting system is required (setSystem)");
            Objects.requireNonNull(trainTasks, "experiment setting scale is required (setScale)");
            Objects.requireNonNull(epochs, "experiment setting schedule is required (setSchedule)");
            Objects.requireNonNull(seeds, "experiment setting seeds is required (setSeeds)");
            Objects.requireNonNull(variants, "experiment setting variants is required (setVariants)");
            return new ExperimentSettings(system, trainTasks, perTask, testTasks, epochs, batchSize, learningRate,
                    List.copyOf(seeds), horizon, contextSize, List.copyOf(variants), physicsHeadMap, klWeight,
                    physicsWarmupSteps, horizonResidualWeight, validateEvery, patience, maxMinutes, solver,
                    plausiblePrior, residualForm, hidden, timeBank,
                    embedSpectrum, drive, oracleZn, alpha, leastActionKeepsDrive, sensorPooling,
                    profileRefinesLatents);
        }
    }
}
