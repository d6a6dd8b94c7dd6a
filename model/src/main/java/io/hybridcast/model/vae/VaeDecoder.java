package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;

import java.util.ArrayList;
import java.util.List;

/**
 * The decoder of {@link HybridVae}: one augmented solve of [physics only; physics + in-ODE net] gives x_P and
 * x_PA; an output residual f_A2(z_p, z_n) gives x_PB and x_PAB.
 */
final class VaeDecoder {

    private final ModelSpec spec;
    private final Physics physics;
    private final Constants c;
    private final OdeSolver solver;
    private final BlockRunner runner;
    private final int n;
    private final Block odeNet;
    private final Block residualNet;
    private final NDArray neuralMask;
    private final Block timeBankNet;
    private final TimeBank timeBank;

    /** {@code timeBankNet} is null when the spec has no time bank. */
    VaeDecoder(ModelSpec spec, Physics physics, Constants c, BlockRunner runner, Block odeNet, Block residualNet,
               Block timeBankNet, NDArray neuralMask) {
        this.spec = spec;
        this.physics = physics;
        this.c = c;
        this.solver = new OdeSolver(OdeSolver.Method.parse(spec.solver()), spec.dt(), spec.substeps(), c);
        this.runner = runner;
        this.n = spec.neuralLatents();
        this.odeNet = odeNet;
        this.residualNet = residualNet;
        this.neuralMask = neuralMask;
        this.timeBankNet = timeBankNet;
        this.timeBank = spec.hasTimeBank() ? new TimeBank(spec) : null;
    }

    /**
     * Sets the output residual's rows for the forecast horizon to zero. Training reconstructs only the window,
     * so nothing fits those rows, and their random initial values would land in every forecast (measured: an
     * RMS of about 1 rad on the pendulum). Zero rows get zero gradient and stay zero; R_horizon in the loss
     * brings rows that are not zero down (docs/model.md).
     */
    void zeroHorizonResidual() {
        Parameter weight = null;
        Parameter bias = null;
        for (Pair<String, Parameter> p : residualNet.getParameters()) {
            if (p.getKey().endsWith("weight")) {
                weight = p.getValue();
            } else if (p.getKey().endsWith("bias")) {
                bias = p.getValue();
            }
        }
        int windowOutputs = spec.windowLength() * spec.channels();
        for (Parameter p : new Parameter[] {weight, bias}) {
            NDArray array = p.getArray();
            long rows = array.getShape().get(0);
            int width = (int) (array.size() / rows);
            float[] values = array.toFloatArray();
            java.util.Arrays.fill(values, windowOutputs * width, values.length, 0f);
            array.set(java.nio.FloatBuffer.wrap(values));
        }
    }

    /**
     * @param initialState [B, D], or [B, D + 3] with the rotating drive's columns (c₀, s₀, W) after the physical
     *                     state ({@link RotatingDrive})
     */
    HybridVae.Decoded decode(NDArray zp, NDArray zn, NDArray initialState, int length, boolean training) {
        return decode(zp, zn, initialState, length, training, false);
    }

    /**
     * @param driveReference also solve physics + drive without the in-ODE net (x_PD, a third half of the augmented
     *                       state), the least-action term's reference when the drive is kept out of its penalty;
     *                       needs the rotating drive and no time bank
     */
    HybridVae.Decoded decode(NDArray zp, NDArray zn, NDArray initialState, int length, boolean training,
                             boolean driveReference) {
        if (driveReference && (!spec.drive() || !spec.useNeural() || spec.hasTimeBank())) {
            throw new IllegalArgumentException("a physics + drive reference needs model settings drive and an in-ODE "
                    + "net without a time bank");
        }
        int d = physics.stateDim();
        int channels = spec.channels();
        NDArray physical = spec.drive() ? initialState.get(":, 0:" + d) : initialState;
        NDArray driveColumns = spec.drive() ? initialState.get(":, " + d + ":") : null;
        NDArray s0 = driveReference ? NDArrays.concat(new NDList(physical, physical, physical), 1)
                : NDArrays.concat(new NDList(physical, physical), 1);
        OdeSolver.VectorField field = augmentedField(zp, zn, driveColumns, driveReference ? 3 : 2, training);
        NDArray trajectory = solver.trajectory(field, s0, length);
        NDArray xP = trajectory.get(":, :, 0:" + channels);
        NDArray xPA = trajectory.get(":, :, " + d + ":" + (d + channels));
        NDArray xPD = driveReference ? trajectory.get(":, :, " + 2 * d + ":" + (2 * d + channels)) : null;
        if (!spec.useNeural()) {
            return new HybridVae.Decoded(xP, xPA, xP, xPA, null);
        }
        NDArray zpScaled = zp.sub(c.of(spec.physicsMin())).div(c.of(spec.physicsWidth()));
        NDArray residual = OutputResidual.apply(spec,
                runner.forward(residualNet, NDArrays.concat(new NDList(zpScaled, zn), 1), training), length, c);
        return new HybridVae.Decoded(xP, xPA, xP.add(residual), xPA.add(residual), xPD);
    }

    /**
     * The decoder's vector field on the augmented state [s_P, s_PA] ([B, 2D]): physics alone on s_P, physics +
     * mask ⊙ net(s_PA, z_n) on s_PA. Everything fixed during a solve is prepared once per decode, so that an
     * evaluation issues about 12 eager ops instead of 25 (each costs microseconds, STACK.md 1.6):
     * <ul>
     *   <li>the physics acts on both halves at once ({@link Physics#prepare}; ω² once per solve);</li>
     *   <li>the in-ODE net's first layer reads the whole state through its weight padded with zeros for s_P, and
     *       its z_n part plus bias is a per-row bias computed once (no concat per evaluation);</li>
     *   <li>the last layer writes straight into the s_PA half with the physics mask folded into its weight and
     *       bias (no mask multiply, no concat);</li>
     *   <li>the tanh layers are evaluated as logistic sigmoids, tanh(a) = 2σ(2a) − 1, with the factors folded
     *       into the weights once per decode, as the serving path does: PyTorch's CPU tanh took half the
     *       solve's forward time, its sigmoid is several times cheaper.</li>
     * </ul>
     * The same mathematics as slicing the halves apart; {@code LeanDecoderTest} pins it to that formulation, and
     * gradients still reach every parameter (the padding and folding are graph ops on the raw parameters).
     */
    private OdeSolver.VectorField augmentedField(NDArray zp, NDArray zn, NDArray driveColumns, int copies,
                                                 boolean training) {
        int d = physics.stateDim();
        Physics.PreparedField known = spec.usePhysics() ? physics.prepare(zp, copies, c) : null;
        if (!spec.useNeural()) {
            return (state, time) -> known.apply(state);
        }
        NDManager m = zp.getManager();
        List<NDArray> w = new ArrayList<>();
        for (var child : odeNet.getChildren()) {
            if (child.getValue() instanceof ai.djl.nn.core.Linear linear) {
                w.add(linear.getParameters().get("weight").getArray());
                w.add(linear.getParameters().get("bias").getArray());
            }
        }
        // an op's result attaches to its first operand's manager: results of ops on the parameters are moved to
        // this decode's manager, or they would pile up in the model's (HybridVaeTrainerMemoryTest)
        NDArray w1 = w.get(0);
        int h1 = (int) w1.getShape().get(0);
        NDArray w1StatePart = w1.get(":, 0:" + d);
        w1StatePart.attach(m);
        // a third half (physics + drive, the least-action reference) is neither read nor written by the net
        NDArray w1State = NDArrays.concat(copies == 3
                ? new NDList(m.zeros(new Shape(h1, d)), w1StatePart, m.zeros(new Shape(h1, d)))
                : new NDList(m.zeros(new Shape(h1, d)), w1StatePart), 1).transpose(); // [copies·D, h1]
        NDArray rowBias;
        if (n == 0) {
            rowBias = w.get(1);
        } else {
            NDArray w1Latent = w1.get(":, " + d + ":");
            w1Latent.attach(m);
            rowBias = ai.djl.nn.core.Linear.linear(zn, w1Latent, w.get(1)).singletonOrThrow(); // [B, h1]
        }
        NDArray w3 = w.get(4);
        NDArray b3 = w.get(5);
        if (spec.usePhysics()) {
            float[] mask = neuralMask.toFloatArray();
            w3 = m.create(mask, new Shape(d, 1)).mul(w3);
            b3 = m.create(mask).mul(b3);
        }
        int h2 = (int) w3.getShape().get(1);
        NDArray w3Out = NDArrays.concat(copies == 3 ? new NDList(m.zeros(new Shape(d, h2)), w3, m.zeros(new Shape(d, h2)))
                : new NDList(m.zeros(new Shape(d, h2)), w3), 0); // [copies·D, h2]
        NDArray b3Out = NDArrays.concat(copies == 3 ? new NDList(m.zeros(new Shape(d)), b3, m.zeros(new Shape(d)))
                : new NDList(m.zeros(new Shape(d)), b3), 0);
        NDArray w2 = w.get(2);
        NDArray b2 = w.get(3);
        // with v = σ(2a) = (tanh(a) + 1) / 2 per layer: the first layer's pre-activation doubles, the second reads
        // v1 as 4·W2·v1 + 2·(b2 − W2·1), and the output is 2·W3·v2 + b3 − W3·1
        NDArray two = c.of(2);
        NDArray w1Sig = w1State.mul(two);
        NDArray rowBiasSig = rowBias.mul(two);
        rowBiasSig.attach(m);
        NDArray w2Sig = w2.mul(c.of(4));
        w2Sig.attach(m);
        NDArray w2RowSums = w2.sum(new int[] {1});
        w2RowSums.attach(m);
        NDArray b2Sig = w2RowSums.neg().add(b2).mul(two);
        NDArray w3Sig = w3Out.mul(two);
        NDArray b3Sig = b3Out.sub(w3Out.sum(new int[] {1}));
        TimeBank.Drive drive = timeBank == null ? null : timeBank.drive(runner.forward(timeBankNet,
                NDArrays.concat(new NDList(zp.sub(c.of(spec.physicsMin())).div(c.of(spec.physicsWidth())), zn), 1),
                training), spec.usePhysics() ? neuralMask.toFloatArray() : ones(d));
        // the rotating drive pushes the last component of the neural half (θ' of the pendulum), and of the reference
        NDArray pushRow = driveColumns == null ? null
                : m.create(pushedComponents(d, copies), new Shape(1, (long) copies * d));
        return (state, time) -> {
            NDArray v1 = Activation.sigmoid(state.matMul(w1Sig).add(rowBiasSig));
            NDArray v2 = Activation.sigmoid(ai.djl.nn.core.Linear.linear(v1, w2Sig, b2Sig).singletonOrThrow());
            NDArray net = ai.djl.nn.core.Linear.linear(v2, w3Sig, b3Sig).singletonOrThrow();
            NDArray neural = drive == null ? net : net.add(drive.at(time));
            if (pushRow != null) {
                neural = neural.add(RotatingDrive.force(driveColumns, time, c).matMul(pushRow));
            }
            return known == null ? neural : known.apply(state).add(neural);
        };
    }

    /** 1 at the last component of every half but the first (the physics alone). */
    private static float[] pushedComponents(int d, int copies) {
        float[] values = new float[copies * d];
        for (int k = 2; k <= copies; k++) {
            values[k * d - 1] = 1f;
        }
        return values;
    }

    private static float[] ones(int length) {
        float[] values = new float[length];
        java.util.Arrays.fill(values, 1f);
        return values;
    }
}
