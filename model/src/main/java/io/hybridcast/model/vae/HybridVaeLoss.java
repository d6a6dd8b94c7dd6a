package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.solver.OdeSolver;
import io.hybridcast.model.solver.PhysicsTrajectories;
import io.hybridcast.model.training.TrainingConfig;

import java.util.Random;

/**
 * The training objective of the hybrid VAEs (SCIENCE.md section 3), per batch:
 * <pre>
 *   reconstruction + w_KL·(1 + α)·σ²·KL + γ·R_unmix + β·R_dataug + α·R_leastaction + w_h·R_horizon
 * </pre>
 * (w_KL = {@link TrainingConfig#klWeight()}, 1 for Phys-VAE's scaling; R_horizon, our addition, keeps the
 * output residual at zero beyond the window, {@link TrainingConfig#horizonResidualWeight()})
 * with the KL of z_p against its range prior, and of z_n against N(0, I) (Phys-VAE) or against the
 * context-conditional prior p(z_n | C) plus a weak KL(p(z_n | C) || N(0, I)) (Meta-Hybrid-VAE).
 * Every scalar is a long-lived NDArray constant (DJL 0.35.1 scalar-op bug, STACK.md 1.5).
 */
public final class HybridVaeLoss {

    /** Weight of KL(p(z_n | C) || N(0, I)) relative to the main KL: keeps the conditional prior near N(0, I). */
    private static final double PRIOR_REGULARISER = 0.1;

    private final HybridVae model;
    private final ModelSpec spec;
    private final TrainingConfig config;
    private final Constants c;

    public HybridVaeLoss(HybridVae model, TrainingConfig config) {
        this.model = model;
        this.spec = model.spec();
        this.config = config;
        this.c = model.constants();
        if (config.leastActionKeepsDrive() && (!spec.drive() || !spec.useNeural() || spec.hasTimeBank())) {
            throw new IllegalArgumentException("training setting leastActionKeepsDrive needs model settings drive and "
                    + "an in-ODE net without a time bank");
        }
    }

    /**
     * @param windows       [B, T, C] query windows
     * @param contexts      [B, K, T, C] context windows, or null without context
     * @param contextCounts [B, 1] K, or 0 where a query has no context; null without context
     * @param augSeed       seed of this step's data-augmentation draws
     * @return the scalar loss, averaged over the batch
     */
    public NDArray compute(NDArray windows, NDArray contexts, NDArray contextCounts, long augSeed, boolean training) {
        return compute(windows, contexts, contextCounts, augSeed, training, null, null, 0);
    }

    /**
     * The objective plus, where {@code targetMask} is 1, the supervised physics term of a digital twin's windows
     * ({@link io.hybridcast.model.training.PhysicsTargets}): {@code w·((μ_zp − z_p)/width)²} for the head's mean
     * and {@code w·½(log σ² + sg(μ_zp − z_p)²/σ²)} for its log variance (the error held fixed, so the variance
     * learns the size of the error without pulling the mean).
     *
     * @param targets    [B, 1] known z_p (any value where the mask is 0), or null
     * @param targetMask [B, 1] 1 where the z_p is known, else 0; null without supervision
     * @param weight     w; 0 without supervision
     */
    public NDArray compute(NDArray windows, NDArray contexts, NDArray contextCounts, long augSeed, boolean training,
                           NDArray targets, NDArray targetMask, double weight) {
        NDManager m = windows.getManager();
        long b = windows.getShape().get(0);
        int n = spec.neuralLatents();
        int t = spec.windowLength();
        int e = spec.embedding();

        NDArray sums;
        NDArray counts;
        if (spec.meta() && contexts != null) {
            long k = contexts.getShape().get(1);
            NDArray embedded = model.embed(contexts.reshape(b * k, t, spec.channels()), training).reshape(b, k, e);
            // rows without context (count 0) contribute nothing
            NDArray present = contextCounts.gt(c.of(0)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            sums = embedded.sum(new int[] {1}).mul(present);
            counts = contextCounts;
        } else {
            sums = m.zeros(new Shape(b, e));
            counts = m.zeros(new Shape(b, 1));
        }
        HybridVae.Posterior q = model.encode(windows, sums, counts, training);

        // reparameterised samples
        NDArray zpStd = q.physicsLogVar().mul(c.of(0.5)).exp();
        NDArray zp = q.physicsMean().add(zpStd.mul(m.randomNormal(new Shape(b, 1))))
                .maximum(c.of(spec.physicsMin())).minimum(c.of(spec.physicsMax()));
        NDArray znStd = q.latentLogVar().mul(c.of(0.5)).exp();
        NDArray zn = q.latentMean().add(znStd.mul(m.randomNormal(new Shape(b, n))));

        boolean driveReference = config.leastActionKeepsDrive() && config.regularisers() && spec.usePhysics();
        HybridVae.Decoded x = model.decode(zp, zn, q.initialState(), t, training, driveReference);
        NDArray reconstruction = sumSquares(windows.sub(x.xPAB()));

        // KL of z_p against N(mid, (0.866 width)²)
        double priorMean = (spec.physicsMin() + spec.physicsMax()) / 2;
        double priorStd = 0.866 * spec.physicsWidth();
        NDArray klP = gaussianKl(q.physicsMean(), q.physicsLogVar(), c.of(priorMean),
                c.of(2 * Math.log(priorStd)));
        NDArray klN;
        if (n == 0) {
            klN = m.zeros(new Shape(b));
        } else if (spec.meta() && contexts != null) {
            NDArray[] prior = model.contextPrior(sums, counts, training);
            NDArray present = contextCounts.gt(c.of(0)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .reshape(b);
            NDArray toContext = gaussianKl(q.latentMean(), q.latentLogVar(), prior[0], prior[1]);
            NDArray toStandard = gaussianKl(q.latentMean(), q.latentLogVar(), c.of(0), c.of(0));
            NDArray priorToStandard = gaussianKl(prior[0], prior[1], c.of(0), c.of(0));
            // with a context: KL(q || p_C) + weak KL(p_C || N(0, I)); without: KL(q || N(0, I))
            klN = toContext.add(priorToStandard.mul(c.of(PRIOR_REGULARISER))).mul(present)
                    .add(toStandard.mul(present.neg().add(c.of(1))));
        } else {
            klN = gaussianKl(q.latentMean(), q.latentLogVar(), c.of(0), c.of(0));
        }
        double sigma2 = Math.exp(spec.logObsVariance());
        NDArray loss = reconstruction.add(klP.add(klN).mul(c.of(config.klWeight() * (1 + config.alpha()) * sigma2)));
        if (targets != null && weight > 0 && spec.usePhysics()) {
            loss = loss.add(physicsSupervision(q, targets, targetMask).mul(c.of(weight)));
        }
        // a residual of sinusoids runs on beyond the window by design: R_horizon would hold the drive back
        boolean horizonRows = spec.useNeural() && !spec.sinusoidResidual() && spec.maxHorizon() > 0;
        if (horizonRows && config.horizonResidualWeight() > 0) {
            loss = loss.add(horizonResidual(zp, zn, training).mul(c.of(config.horizonResidualWeight())));
        }

        if (config.regularisers() && spec.useNeural() && spec.usePhysics()) {
            NDArray physicsOnly = x.xP().reshape(b, (long) t * spec.channels()).stopGradient();
            NDArray unmix = sumSquares2d(q.unmixed().sub(physicsOnly));
            NDArray leastAction = leastAction(x, c);
            loss = loss.add(unmix.mul(c.of(config.gamma())))
                    .add(leastAction.mul(c.of(config.alpha())));
            loss = loss.mean().add(dataAugmentation(m, (int) b, augSeed, training).mul(c.of(config.beta())));
            return loss;
        }
        return loss.mean();
    }

    /**
     * R_leastaction per window, [B]: the mean of ‖x_P − x_PA‖², ‖x_P − x_PB‖², ‖x_PA − x_PAB‖², ‖x_PB − x_PAB‖²
     * (Phys-VAE), with x_P replaced by x_PD (physics + drive) and x_PB by x_PD + the output residual when the decode
     * carries x_PD: then what is penalised is only what the in-ODE net and the output residual add, not the drive.
     */
    static NDArray leastAction(HybridVae.Decoded x, Constants c) {
        NDArray reference = x.xP();
        NDArray referenceB = x.xPB();
        if (x.xPD() != null) {
            reference = x.xPD();
            referenceB = x.xPD().add(x.xPB().sub(x.xP()));
        }
        return sumSquares(reference.sub(x.xPA()))
                .add(sumSquares(reference.sub(referenceB)))
                .add(sumSquares(x.xPA().sub(x.xPAB())))
                .add(sumSquares(referenceB.sub(x.xPAB())))
                .mul(c.of(0.25));
    }

    /** The supervised physics term per window, [B]: zero where the mask is 0. */
    private NDArray physicsSupervision(HybridVae.Posterior q, NDArray targets, NDArray mask) {
        long b = targets.getShape().get(0);
        NDArray error = q.physicsMean().sub(targets);
        NDArray meanTerm = error.div(c.of(spec.physicsWidth())).square();
        // a floor of (1e-3 width)² keeps the log variance finite on windows the head already reads exactly
        double floor = 1e-6 * spec.physicsWidth() * spec.physicsWidth();
        NDArray fixedError = error.stopGradient().square().add(c.of(floor));
        NDArray logVar = q.physicsLogVar();
        NDArray varianceTerm = logVar.add(fixedError.div(logVar.exp())).mul(c.of(0.5));
        return meanTerm.add(varianceTerm).mul(mask).reshape(b);
    }

    /**
     * R_horizon, [B]: squared output residual f_A2(z_p, z_n) over the forecast horizon beyond the window. The
     * decoder reconstructs only the window in training, so nothing else ever trains those outputs.
     */
    public NDArray horizonResidual(NDArray zp, NDArray zn, boolean training) {
        NDArray zpScaled = zp.sub(c.of(spec.physicsMin())).div(c.of(spec.physicsWidth()));
        NDArray out = model.forward(model.residualNet, NDArrays.concat(new NDList(zpScaled, zn), 1), training);
        return sumSquares2d(out.get(":, " + (long) spec.windowLength() * spec.channels() + ":"));
    }

    /**
     * R_dataug: physics-only trajectories simulated from random z_p and initial states must be read back by
     * the physics head (through the unmixer, with z_n at its prior mean 0).
     */
    public NDArray dataAugmentation(NDManager m, int b, long seed, boolean training) {
        Random random = new Random(seed);
        float[] draws = new float[b];
        for (int i = 0; i < b; i++) {
            draws[i] = (float) (spec.physicsMin() + spec.physicsWidth() * random.nextDouble());
        }
        NDArray zp = m.create(draws, new Shape(b, 1));
        // the trajectories are inputs, not part of the graph: simulated in plain Java (no eager op per step)
        float[] s0 = model.physics().randomInitialState(m, b, random).toFloatArray();
        float[] trajectories = PhysicsTrajectories.simulate(model.physics(), OdeSolver.Method.parse(spec.solver()),
                spec.dt(), spec.substeps(), draws, s0, spec.windowLength(), spec.channels());
        NDArray simulated = m.create(trajectories, new Shape(b, spec.windowLength(), spec.channels()));
        // noise as in the data, so the head does not learn to rely on noise-free curves
        NDArray noisy = simulated.add(m.randomNormal(simulated.getShape()).mul(c.of(noiseStd())));
        NDArray flat = model.flat(noisy);
        NDArray unmixed = flat.add(model.forward(model.unmixer,
                NDArrays.concat(new NDList(flat, m.zeros(new Shape(b, spec.neuralLatents()))), 1), training));
        NDArray estimate = model.physicsHead(unmixed, training)[0];
        return estimate.sub(zp).div(c.of(spec.physicsWidth())).square().mean();
    }

    private double noiseStd() {
        return "ADVECTION_DIFFUSION".equals(spec.system()) ? 1e-3 : 1e-2;
    }

    /** Sum over every axis but the first: [B, ...] to [B]. */
    private static NDArray sumSquares(NDArray a) {
        return a.square().sum(new int[] {1, 2});
    }

    private static NDArray sumSquares2d(NDArray a) {
        return a.square().sum(new int[] {1});
    }

    /** KL(N(m1, e^lv1) || N(m2, e^lv2)) summed over the last axis: [B, d] to [B]. */
    private NDArray gaussianKl(NDArray m1, NDArray lv1, NDArray m2, NDArray lv2) {
        NDArray v1 = lv1.exp();
        NDArray v2 = lv2.exp();
        // lv2 may be a long-lived constant (a fixed prior): its exp would attach to the model's manager and
        // pile up, one array per call and step; it belongs to this step's manager like every intermediate
        v2.attach(lv1.getManager());
        return lv1.neg().add(lv2).add(v1.add(m1.sub(m2).square()).div(v2)).sub(c.of(1)).mul(c.of(0.5))
                .sum(new int[] {1});
    }
}
