package io.hybridcast.model.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Every dimension and setting a trained hybrid model needs to be rebuilt and used: what it models, the
 * window it reads, its latent sizes and its solver. Stored as JSON in a model bundle's manifest, so a
 * bundle can be checked against the code that loads it.
 *
 * @param system         physical system, as {@code SystemKind} names it (PENDULUM, ...)
 * @param algorithm      {@code meta-hybrid-vae}, {@code phys-vae}, or an ablation id
 * @param windowLength   samples per window T
 * @param channels       observed channels per sample
 * @param dt             seconds between samples
 * @param maxHorizon     longest forecast, in samples beyond the window
 * @param physicsName    name of the physics parameter z_p (omega, D, g_over_l)
 * @param physicsMin     lower end of the z_p prior range
 * @param physicsMax     upper end of the z_p prior range
 * @param neuralLatents  dimension of z_n (the neural latents)
 * @param hidden         width of every hidden layer
 * @param embedding      width of the context-set embedding (meta models)
 * @param substeps       solver substeps per sample
 * @param solver         {@code rk4} or {@code euler}
 * @param logObsVariance fixed log variance of the observation noise (Phys-VAE: -9)
 * @param useNeural      false for the physics-only ablation (no in-ODE net, no residual)
 * @param usePhysics     false for the neural-only ablation (no physics term in the ODE)
 * @param meta           true when the prior of z_n is conditioned on a context set
 * @param physicsHeadMap how the physics head maps its output into the prior range of z_p:
 *                       {@value #HEAD_SIGMOID} ({@code min + width·sigmoid(o)}, smooth, the default) or
 *                       {@value #HEAD_CLAMP} (Phys-VAE's Softplus clamped to the range, whose gradient is zero
 *                       outside it); missing in bundles written before the setting existed, read as clamp
 * @param residualForm   how the output residual f_A2(z_p, z_n) is formed: {@value #RESIDUAL_MLP} (its network
 *                       writes every sample of window and horizon, the default and the only form served by the
 *                       kernel) or {@value #RESIDUAL_SINUSOIDS} (its network gives amplitudes and frequencies of a
 *                       few sinusoids per channel, which run on through the horizon); missing means mlp
 * @param timeBank       frequencies of the in-ODE time bank (0: none, the default): the in-ODE net gains a drive
 *                       term that depends on time alone, a weighted sum of fixed sinusoids cos(ν_k t), sin(ν_k t)
 *                       with ν_k spread evenly over (0, Nyquist] and weights from a network of (z_p, z_n); not
 *                       served by the kernel; missing means 0
 * @param embedSpectrum  whether the set encoder (the path to z_n) also reads each channel's DFT magnitudes over
 *                       the window, so that what oscillates faster than the physics is linearly at hand; not
 *                       served by the kernel; missing means false
 * @param drive          whether the decoder's ODE carries a drive as two rotating states (c, s) that push the
 *                       last physical state component (θ' of the pendulum) by c, at a rate a classical frequency
 *                       search of the window gives (a network corrects it within bounds and gives the drive's
 *                       amplitude and phase); not served by the kernel; missing means false
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSpec(
        String system,
        String algorithm,
        int windowLength,
        int channels,
        double dt,
        int maxHorizon,
        String physicsName,
        double physicsMin,
        double physicsMax,
        int neuralLatents,
        int hidden,
        int embedding,
        int substeps,
        String solver,
        double logObsVariance,
        boolean useNeural,
        boolean usePhysics,
        boolean meta,
        String physicsHeadMap,
        String residualForm,
        int timeBank,
        boolean embedSpectrum,
        boolean drive) {

    /** Physics head map: {@code min + width·sigmoid(o)}, never on a bound, gradient everywhere. */
    public static final String HEAD_SIGMOID = "sigmoid";
    /** Physics head map of Phys-VAE: Softplus then a hard clamp to the prior range. */
    public static final String HEAD_CLAMP = "clamp";
    /** Output residual written sample by sample by its network. */
    public static final String RESIDUAL_MLP = "mlp";
    /** Output residual as a sum of sinusoids whose amplitudes and frequencies its network gives. */
    public static final String RESIDUAL_SINUSOIDS = "sinusoids";
    /** Most frequencies an in-ODE time bank may hold. */
    public static final int MAX_TIME_BANK = 256;

    public ModelSpec {
        // bundles written before the setting existed were trained with the clamp
        physicsHeadMap = physicsHeadMap == null ? HEAD_CLAMP : physicsHeadMap;
        residualForm = residualForm == null ? RESIDUAL_MLP : residualForm;
        require(RESIDUAL_MLP.equals(residualForm) || RESIDUAL_SINUSOIDS.equals(residualForm), "residualForm",
                residualForm, RESIDUAL_MLP + " or " + RESIDUAL_SINUSOIDS);
        require(HEAD_SIGMOID.equals(physicsHeadMap) || HEAD_CLAMP.equals(physicsHeadMap), "physicsHeadMap",
                physicsHeadMap, HEAD_SIGMOID + " or " + HEAD_CLAMP);
        require(timeBank >= 0 && timeBank <= MAX_TIME_BANK, "timeBank", timeBank, "0.." + MAX_TIME_BANK);
        require(windowLength >= 2, "windowLength", windowLength, ">= 2");
        require(channels >= 1, "channels", channels, ">= 1");
        require(dt > 0, "dt", dt, "> 0");
        require(maxHorizon >= 0, "maxHorizon", maxHorizon, ">= 0");
        require(physicsMax > physicsMin && physicsMin > 0, "physics range", physicsMin + ".." + physicsMax,
                "0 < min < max");
        require(neuralLatents >= 0, "neuralLatents", neuralLatents, ">= 0");
        require(hidden >= 1, "hidden", hidden, ">= 1");
        require(embedding >= 1, "embedding", embedding, ">= 1");
        require(substeps >= 1, "substeps", substeps, ">= 1");
        require("rk4".equals(solver) || "euler".equals(solver), "solver", solver, "rk4 or euler");
        require(useNeural || usePhysics, "useNeural/usePhysics", "false/false", "at least one true");
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("model setting " + name + " must be " + expected + ", got " + value);
        }
    }

    /** Width of the prior range of z_p. */
    public double physicsWidth() {
        return physicsMax - physicsMin;
    }

    /** A copy with another algorithm id and ablation switches. */
    public ModelSpec withVariant(String newAlgorithm, boolean neural, boolean physics, boolean isMeta) {
        return toBuilder().setAlgorithm(newAlgorithm).optUseNeural(neural).optUsePhysics(physics).optMeta(isMeta)
                .build();
    }

    /** A copy with another physics head map ({@value #HEAD_SIGMOID} or {@value #HEAD_CLAMP}). */
    public ModelSpec withPhysicsHeadMap(String map) {
        return toBuilder().optPhysicsHeadMap(map).build();
    }

    /** A builder with nothing set: every {@code setX} is required, every {@code optX} has the default it names. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every value of this spec, to derive a copy. */
    public Builder toBuilder() {
        return builder().setSystem(system).setAlgorithm(algorithm).setWindowLength(windowLength).setChannels(channels)
                .setDt(dt).optMaxHorizon(maxHorizon).setPhysicsName(physicsName).setPhysicsRange(physicsMin, physicsMax)
                .setNeuralLatents(neuralLatents).setHidden(hidden).setEmbedding(embedding).optSubsteps(substeps)
                .optSolver(solver).optLogObsVariance(logObsVariance).optUseNeural(useNeural).optUsePhysics(usePhysics)
                .optMeta(meta).optPhysicsHeadMap(physicsHeadMap).optResidualForm(residualForm).optTimeBank(timeBank)
                .optEmbedSpectrum(embedSpectrum).optDrive(drive);
    }

    /**
     * Builds a {@link ModelSpec}. {@code setX} values have no default and {@link #build()} names any that is
     * missing; {@code optX} values default to: maxHorizon 0, substeps 1, solver rk4, logObsVariance -9 (Phys-VAE),
     * useNeural and usePhysics true, meta false, physicsHeadMap {@value #HEAD_SIGMOID}, residualForm
     * {@value #RESIDUAL_MLP}, timeBank 0, embedSpectrum false, drive false. The values themselves are
     * validated by the spec's constructor.
     */
    public static final class Builder {
        private String system;
        private String algorithm;
        private Integer windowLength;
        private Integer channels;
        private Double dt;
        private int maxHorizon;
        private String physicsName;
        private Double physicsMin;
        private Double physicsMax;
        private Integer neuralLatents;
        private Integer hidden;
        private Integer embedding;
        private int substeps = 1;
        private String solver = "rk4";
        private double logObsVariance = -9;
        private boolean useNeural = true;
        private boolean usePhysics = true;
        private boolean meta;
        private String physicsHeadMap = HEAD_SIGMOID;
        private String residualForm = RESIDUAL_MLP;
        private int timeBank;
        private boolean embedSpectrum;
        private boolean drive;

        private Builder() {
        }

        /** Physical system, as {@code SystemKind} names it. */
        public Builder setSystem(String value) {
            system = value;
            return this;
        }

        /** Algorithm id ({@code meta-hybrid-vae}, {@code phys-vae}, an ablation id). */
        public Builder setAlgorithm(String value) {
            algorithm = value;
            return this;
        }

        /** Samples per window T. */
        public Builder setWindowLength(int value) {
            windowLength = value;
            return this;
        }

        /** Observed channels per sample. */
        public Builder setChannels(int value) {
            channels = value;
            return this;
        }

        /** Seconds between samples. */
        public Builder setDt(double value) {
            dt = value;
            return this;
        }

        /** Longest forecast in samples beyond the window (default 0). */
        public Builder optMaxHorizon(int value) {
            maxHorizon = value;
            return this;
        }

        /** Name of the physics parameter z_p. */
        public Builder setPhysicsName(String value) {
            physicsName = value;
            return this;
        }

        /** Prior range of z_p, lower and upper end. */
        public Builder setPhysicsRange(double min, double max) {
            physicsMin = min;
            physicsMax = max;
            return this;
        }

        /** Dimension of z_n. */
        public Builder setNeuralLatents(int value) {
            neuralLatents = value;
            return this;
        }

        /** Width of every hidden layer. */
        public Builder setHidden(int value) {
            hidden = value;
            return this;
        }

        /** Width of the context-set embedding. */
        public Builder setEmbedding(int value) {
            embedding = value;
            return this;
        }

        /** Solver substeps per sample (default 1). */
        public Builder optSubsteps(int value) {
            substeps = value;
            return this;
        }

        /** {@code rk4} (default) or {@code euler}. */
        public Builder optSolver(String value) {
            solver = value;
            return this;
        }

        /** Fixed log variance of the observation noise (default -9). */
        public Builder optLogObsVariance(double value) {
            logObsVariance = value;
            return this;
        }

        /** False for the physics-only ablation (default true). */
        public Builder optUseNeural(boolean value) {
            useNeural = value;
            return this;
        }

        /** False for the neural-only ablation (default true). */
        public Builder optUsePhysics(boolean value) {
            usePhysics = value;
            return this;
        }

        /** True when the prior of z_n is conditioned on a context set (default false). */
        public Builder optMeta(boolean value) {
            meta = value;
            return this;
        }

        /** {@value #HEAD_SIGMOID} (default) or {@value #HEAD_CLAMP}. */
        public Builder optPhysicsHeadMap(String value) {
            physicsHeadMap = value;
            return this;
        }

        /** {@value #RESIDUAL_MLP} (default) or {@value #RESIDUAL_SINUSOIDS}. */
        public Builder optResidualForm(String value) {
            residualForm = value;
            return this;
        }

        /** Frequencies of the in-ODE time bank (default 0: none). */
        public Builder optTimeBank(int value) {
            timeBank = value;
            return this;
        }

        /** Whether the set encoder also reads the window's DFT magnitudes (default false). */
        public Builder optEmbedSpectrum(boolean value) {
            embedSpectrum = value;
            return this;
        }

        /** Whether the decoder's ODE carries the rotating drive states (default false). */
        public Builder optDrive(boolean value) {
            drive = value;
            return this;
        }

        /** The spec; refuses a missing required value or an invalid one, naming the setting. */
        public ModelSpec build() {
            required(system, "system");
            required(algorithm, "algorithm");
            required(windowLength, "windowLength");
            required(channels, "channels");
            required(dt, "dt");
            required(physicsName, "physicsName");
            required(physicsMin, "physicsRange");
            required(neuralLatents, "neuralLatents");
            required(hidden, "hidden");
            required(embedding, "embedding");
            require(physicsHeadMap != null, "physicsHeadMap", null, HEAD_SIGMOID + " or " + HEAD_CLAMP);
            return new ModelSpec(system, algorithm, windowLength, channels, dt, maxHorizon, physicsName, physicsMin,
                    physicsMax, neuralLatents, hidden, embedding, substeps, solver, logObsVariance, useNeural,
                    usePhysics, meta, physicsHeadMap, residualForm, timeBank,
                    embedSpectrum, drive);
        }

        private static void required(Object value, String name) {
            if (value == null) {
                throw new IllegalArgumentException("model setting " + name + " is required (call set"
                        + Character.toUpperCase(name.charAt(0)) + name.substring(1) + ")");
            }
        }
    }

    /** Whether the physics head is the smooth sigmoid map rather than the clamp. */
    public boolean smoothPhysicsHead() {
        return HEAD_SIGMOID.equals(physicsHeadMap);
    }

    /** Whether the output residual is a sum of sinusoids rather than written sample by sample. */
    public boolean sinusoidResidual() {
        return RESIDUAL_SINUSOIDS.equals(residualForm);
    }

    /** Whether the in-ODE net has a time bank (a drive term that depends on time). */
    public boolean hasTimeBank() {
        return timeBank > 0;
    }
}
