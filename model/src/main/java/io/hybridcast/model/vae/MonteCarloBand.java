package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;

import static io.hybridcast.model.vae.VaeArrays.repeat;
import static io.hybridcast.model.vae.VaeArrays.slice;
import static io.hybridcast.model.vae.VaeArrays.to2d;
import static io.hybridcast.model.vae.VaeArrays.to3d;

/**
 * The Monte-Carlo band: the forecast is the decode of the posterior mean, the band the spread of the decodes of
 * {@code samples} random posterior draws plus the observation noise.
 */
final class MonteCarloBand implements BandInference {

    private final ModelSpec spec;
    private final Constants c;
    private final VaeDecoder decoder;
    private final int samples;

    MonteCarloBand(ModelSpec spec, Constants c, VaeDecoder decoder, int samples) {
        this.spec = spec;
        this.c = c;
        this.decoder = decoder;
        this.samples = samples;
    }

    @Override
    public Inference infer(NDManager step, HybridVae.Posterior q, int b, int horizon) {
        int t = spec.windowLength();
        int ch = spec.channels();
        int n = spec.neuralLatents();
        int length = t + horizon;
        int s = samples;
        // One solve for everything: per window, the posterior mean followed by s posterior samples
        // (one decode costs about what a bigger batch costs: per-op overhead dominates, STACK.md 1.6).
        NDArray zpStd = q.physicsLogVar().mul(c.of(0.5)).exp();
        NDArray znStd = q.latentLogVar().mul(c.of(0.5)).exp();
        NDArray zpNoise = NDArrays.concat(new NDList(step.zeros(new Shape(b, 1, 1)),
                step.randomNormal(new Shape(b, s, 1))), 1).reshape(b * (s + 1), 1);
        NDArray znNoise = NDArrays.concat(new NDList(step.zeros(new Shape(b, 1, n)),
                step.randomNormal(new Shape(b, s, n))), 1).reshape(b * (s + 1), n);
        NDArray zp = repeat(q.physicsMean(), s + 1).add(repeat(zpStd, s + 1).mul(zpNoise))
                .maximum(c.of(spec.physicsMin())).minimum(c.of(spec.physicsMax()));
        NDArray zn = repeat(q.latentMean(), s + 1).add(repeat(znStd, s + 1).mul(znNoise));
        HybridVae.Decoded all = decoder.decode(zp, zn, repeat(q.initialState(), s + 1), length, false);
        NDArray decodedPAB = all.xPAB().reshape(b, s + 1, length, ch);
        NDArray decodedP = all.xP().reshape(b, s + 1, length, ch);
        NDArray meanPAB = decodedPAB.get(":, 0, :, :");
        NDArray meanP = decodedP.get(":, 0, :, :");
        NDArray sampled = decodedPAB.get(":, 1:, :, :");
        NDArray spread = sampled.sub(sampled.mean(new int[] {1}, true)).square().mean(new int[] {1});
        NDArray predictiveStd = spread.add(c.of(Math.exp(spec.logObsVariance()))).sqrt();

        double[][][] xPAB = to3d(meanPAB, b, length, ch);
        double[][][] xP = to3d(meanP, b, length, ch);
        double[][][] std = to3d(predictiveStd, b, length, ch);
        return new Inference(
                to2d(q.physicsMean(), b, 1),
                to2d(zpStd, b, 1),
                to2d(q.latentMean(), b, n),
                slice(xPAB, 0, t), slice(xP, 0, t),
                slice(xPAB, t, length), slice(std, t, length));
    }
}
