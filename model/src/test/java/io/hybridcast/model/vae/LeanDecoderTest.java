package io.hybridcast.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lean training decoder (about 12 eager ops per field evaluation) against the formulation it replaced (slice
 * both halves of the augmented state, physics on each, concat the net's input, mask, concat): the same trajectories
 * for every system and ablation, and gradients that agree with finite differences.
 */
class LeanDecoderTest {

    static ModelSpec spec(String system, boolean neural, boolean physics, String solver) {
        return switch (system) {
            case "PENDULUM" -> ModelSpec.builder().setSystem(system).setAlgorithm("meta-hybrid-vae")
                    .setWindowLength(50).setChannels(1).setDt(0.05).optMaxHorizon(20).setPhysicsName("omega")
                    .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(32).setEmbedding(16).optSolver(solver)
                    .optUseNeural(neural).optUsePhysics(physics).optMeta(true).build();
            case "ADVECTION_DIFFUSION" -> ModelSpec.builder().setSystem(system).setAlgorithm("meta-hybrid-vae")
                    .setWindowLength(30).setChannels(20).setDt(0.02).optMaxHorizon(10).setPhysicsName("D")
                    .setPhysicsRange(0.01, 0.2).setNeuralLatents(2).setHidden(32).setEmbedding(16).optSolver(solver)
                    .optUseNeural(neural).optUsePhysics(physics).optMeta(true).build();
            default -> ModelSpec.builder().setSystem(system).setAlgorithm("meta-hybrid-vae").setWindowLength(40)
                    .setChannels(2).setDt(0.05).optMaxHorizon(10).setPhysicsName("g_over_l").setPhysicsRange(1, 12)
                    .setNeuralLatents(2).setHidden(32).setEmbedding(16).optSubsteps(2).optSolver(solver)
                    .optUseNeural(neural).optUsePhysics(physics).optMeta(true).build();
        };
    }

    /** The decoder's trajectories as the code before the lean field computed them (the reference). */
    static NDArray referenceTrajectory(HybridVae vae, NDArray zp, NDArray zn, NDArray initial, int length) {
        ModelSpec spec = vae.spec();
        Physics physics = vae.physics();
        Constants c = vae.constants();
        int d = physics.stateDim();
        NDArray mask = zp.getManager().create(vae.neuralMaskValues());
        OdeSolver.VectorField field = (state, time) -> {
            NDArray sP = state.get(":, 0:" + d);
            NDArray sPA = state.get(":, " + d + ":" + (2 * d));
            NDArray dP = spec.usePhysics() ? physics.derivative(sP, zp, c) : sP.zerosLike();
            NDArray dPA = spec.usePhysics() ? physics.derivative(sPA, zp, c) : sPA.zerosLike();
            if (spec.useNeural()) {
                NDArray net = vae.forward(vae.odeNet, NDArrays.concat(new NDList(sPA, zn), 1), false);
                dPA = dPA.add(spec.usePhysics() ? net.mul(mask) : net);
            }
            return NDArrays.concat(new NDList(dP, dPA), 1);
        };
        NDArray s0 = NDArrays.concat(new NDList(initial, initial), 1);
        return new OdeSolver(OdeSolver.Method.parse(spec.solver()), spec.dt(), spec.substeps(), c)
                .trajectory(field, s0, length);
    }

    record Inputs(NDArray zp, NDArray zn, NDArray initial) {
    }

    static Inputs inputs(HybridVae vae, NDManager m, int b, long seed) {
        ModelSpec spec = vae.spec();
        Random random = new Random(seed);
        float[] zp = new float[b];
        for (int i = 0; i < b; i++) {
            zp[i] = (float) (spec.physicsMin() + spec.physicsWidth() * (0.2 + 0.6 * random.nextDouble()));
        }
        float[] zn = new float[b * spec.neuralLatents()];
        for (int i = 0; i < zn.length; i++) {
            zn[i] = (float) random.nextGaussian();
        }
        NDArray initial = vae.physics().randomInitialState(m, b, random);
        if (vae.physics().unobservedDim() > 0) {
            // live windows do not start at rest: give the velocities a value too
            float[] s = initial.toFloatArray();
            for (int i = 0; i < s.length; i++) {
                if (i % vae.physics().stateDim() >= vae.physics().channels()) {
                    s[i] = (float) (0.5 * random.nextGaussian());
                }
            }
            initial = m.create(s, initial.getShape());
        }
        return new Inputs(m.create(zp, new Shape(b, 1)), m.create(zn, new Shape(b, spec.neuralLatents())), initial);
    }

    @Test
    void leanDecoderMatchesTheSlicedFormulationForEverySystemAndAblation() {
        for (String system : new String[] {"PENDULUM", "ADVECTION_DIFFUSION", "DOUBLE_PENDULUM"}) {
            for (boolean[] variant : new boolean[][] {{true, true}, {false, true}, {true, false}}) {
                for (String solver : new String[] {"rk4", "euler"}) {
                    ModelSpec spec = spec(system, variant[0], variant[1], solver);
                    try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 3)) {
                        Inputs in = inputs(vae, m, 8, 11);
                        int length = spec.windowLength() + spec.maxHorizon();
                        HybridVae.Decoded lean = vae.decode(in.zp(), in.zn(), in.initial(), length, false);
                        NDArray reference = referenceTrajectory(vae, in.zp(), in.zn(), in.initial(), length);
                        int d = vae.physics().stateDim();
                        int ch = spec.channels();
                        float[] refP = reference.get(":, :, 0:" + ch).toFloatArray();
                        float[] refPA = reference.get(":, :, " + d + ":" + (d + ch)).toFloatArray();
                        String what = system + " neural=" + variant[0] + " physics=" + variant[1] + " " + solver;
                        // the double pendulum is chaotic: rounding differences grow along the trajectory
                        double bound = "DOUBLE_PENDULUM".equals(system) ? 1e-4 : 6e-6;
                        assertThat(relDiff(lean.xP().toFloatArray(), refP)).as("x_P " + what).isLessThan(bound);
                        assertThat(relDiff(lean.xPA().toFloatArray(), refPA)).as("x_PA " + what).isLessThan(bound);
                    }
                }
            }
        }
    }

    /** max |a − b| / max |b|. */
    static double relDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        double scale = 1e-12;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return worst / scale;
    }

    @Test
    void gradientsOfTheLeanDecoderMatchFiniteDifferences() {
        ModelSpec spec = spec("PENDULUM", true, true, "rk4");
        try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 5)) {
            Inputs in = inputs(vae, m, 4, 3);
            Parameter w1 = vae.allParameters().get("odeNet.01Linear_weight");
            Parameter w3 = vae.allParameters().get("odeNet.05Linear_weight");
            assertThat(w1).as("odeNet parameters by id: " + vae.allParameters().keySet()).isNotNull();
            assertThat(w3).isNotNull();
            // entry (0, 1) of W1 reads θ'; entry (1, 0) of W3 writes θ'' (the mask lets it through)
            int h = spec.hidden();
            int in1 = vae.physics().stateDim() + spec.neuralLatents();
            int w1Index = 1;
            int w3Index = h;
            NDArray zp = in.zp().duplicate();
            zp.setRequiresGradient(true);
            w1.getArray().setRequiresGradient(true);
            w3.getArray().setRequiresGradient(true);
            float g1;
            float g3;
            float gzp;
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = objective(vae, zp, in.zn(), in.initial(), step);
                gc.backward(loss);
                g1 = w1.getArray().getGradient().toFloatArray()[w1Index];
                g3 = w3.getArray().getGradient().toFloatArray()[w3Index];
                gzp = zp.getGradient().toFloatArray()[0];
            }
            w1.getArray().setRequiresGradient(false);
            w3.getArray().setRequiresGradient(false);
            assertThat(in1).isGreaterThan(w1Index);
            double fd1 = finiteDifference(vae, w1.getArray(), w1Index, in);
            double fd3 = finiteDifference(vae, w3.getArray(), w3Index, in);
            double fdZp = finiteDifference(vae, in.zp(), 0, in);
            assertThat((double) g1).as("dL/dW1[0,1]").isCloseTo(fd1, org.assertj.core.data.Offset.offset(
                    Math.abs(fd1) * 3e-2 + 1e-3));
            assertThat((double) g3).as("dL/dW3[1,0]").isCloseTo(fd3, org.assertj.core.data.Offset.offset(
                    Math.abs(fd3) * 3e-2 + 1e-3));
            assertThat((double) gzp).as("dL/dz_p").isCloseTo(fdZp, org.assertj.core.data.Offset.offset(
                    Math.abs(fdZp) * 3e-2 + 1e-3));
            // a gradient that did not flow would be 0 and pass a loose bound: these ones are not small
            assertThat(Math.abs(fd1)).isGreaterThan(0.01);
            assertThat(Math.abs(fd3)).isGreaterThan(0.01);
            assertThat(Math.abs(fdZp)).isGreaterThan(0.01);
        }
    }

    /** Σ x_PA over window + horizon, weighted by time so that every step counts differently. */
    private static NDArray objective(HybridVae vae, NDArray zp, NDArray zn, NDArray initial, NDManager step) {
        int length = vae.spec().windowLength();
        HybridVae.Decoded x = vae.decode(zp, zn, initial, length, true);
        float[] weights = new float[length];
        for (int k = 0; k < length; k++) {
            weights[k] = 1f + k / (float) length;
        }
        NDArray w = step.create(weights, new Shape(1, length, 1));
        x.xPA().attach(step);
        return x.xPA().mul(w).sum();
    }

    private static double finiteDifference(HybridVae vae, NDArray array, int index, Inputs in) {
        double h = 1e-2;
        float[] values = array.toFloatArray();
        float original = values[index];
        double[] at = new double[2];
        for (int side = 0; side < 2; side++) {
            values[index] = (float) (original + (side == 0 ? h : -h));
            array.set(java.nio.FloatBuffer.wrap(values));
            try (NDManager step = in.zp().getManager().newSubManager()) {
                at[side] = objective(vae, in.zp(), in.zn(), in.initial(), step).getFloat();
            }
        }
        values[index] = original;
        array.set(java.nio.FloatBuffer.wrap(values));
        return (at[0] - at[1]) / (2 * h);
    }
}
