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
        String physicsHeadMap) {

    /** Physics head map: {@code min + width·sigmoid(o)}, never on a bound, gradient everywhere. */
    public static final String HEAD_SIGMOID = "sigmoid";
    /** Physics head map of Phys-VAE: Softplus then a hard clamp to the prior range. */
    public static final String HEAD_CLAMP = "clamp";

    public ModelSpec {
        // bundles written before the setting existed were trained with the clamp
        physicsHeadMap = physicsHeadMap == null ? HEAD_CLAMP : physicsHeadMap;
        require(HEAD_SIGMOID.equals(physicsHeadMap) || HEAD_CLAMP.equals(physicsHeadMap), "physicsHeadMap",
                physicsHeadMap, HEAD_SIGMOID + " or " + HEAD_CLAMP);
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

    /** A spec with the default physics head map ({@value #HEAD_SIGMOID}). */
    public ModelSpec(String system, String algorithm, int windowLength, int channels, double dt, int maxHorizon,
                     String physicsName, double physicsMin, double physicsMax, int neuralLatents, int hidden,
                     int embedding, int substeps, String solver, double logObsVariance, boolean useNeural,
                     boolean usePhysics, boolean meta) {
        this(system, algorithm, windowLength, channels, dt, maxHorizon, physicsName, physicsMin, physicsMax,
                neuralLatents, hidden, embedding, substeps, solver, logObsVariance, useNeural, usePhysics, meta,
                HEAD_SIGMOID);
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
        return new ModelSpec(system, newAlgorithm, windowLength, channels, dt, maxHorizon, physicsName, physicsMin,
                physicsMax, neuralLatents, hidden, embedding, substeps, solver, logObsVariance, neural, physics, isMeta,
                physicsHeadMap);
    }

    /** A copy with another physics head map ({@value #HEAD_SIGMOID} or {@value #HEAD_CLAMP}). */
    public ModelSpec withPhysicsHeadMap(String map) {
        return new ModelSpec(system, algorithm, windowLength, channels, dt, maxHorizon, physicsName, physicsMin,
                physicsMax, neuralLatents, hidden, embedding, substeps, solver, logObsVariance, useNeural, usePhysics,
                meta, map);
    }

    /** Whether the physics head is the smooth sigmoid map rather than the clamp. */
    public boolean smoothPhysicsHead() {
        return HEAD_SIGMOID.equals(physicsHeadMap);
    }
}
