package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.ModelSpec;

/**
 * DFT magnitudes of each channel over a window, for the set encoder ({@link ModelSpec#embedSpectrum()}).
 *
 * <p>Why: the set encoder reads the window sample by sample, and a drive's frequency shows in the samples only
 * as a phase that turns over many times across the window; in the spectrum it is where the magnitude sits,
 * which a network reads almost linearly. The transform is two fixed matrix products, so gradients pass.
 */
final class WindowSpectrum {

    private final int length;
    private final int channels;
    private final int bins;
    private final float[] cosine;
    private final float[] sine;

    WindowSpectrum(ModelSpec spec) {
        this.length = spec.windowLength();
        this.channels = spec.channels();
        this.bins = length / 2 + 1;
        this.cosine = new float[length * bins];
        this.sine = new float[length * bins];
        for (int t = 0; t < length; t++) {
            for (int k = 0; k < bins; k++) {
                double angle = 2 * Math.PI * k * t / length;
                cosine[t * bins + k] = (float) (2 * Math.cos(angle) / length);
                sine[t * bins + k] = (float) (2 * Math.sin(angle) / length);
            }
        }
    }

    /** Features per window: a magnitude per channel and frequency bin (0 .. T/2). */
    static int width(ModelSpec spec) {
        return spec.channels() * (spec.windowLength() / 2 + 1);
    }

    /** Magnitudes [B, C·(T/2 + 1)] of {@code windows} [B, T, C]. */
    NDArray magnitudes(NDArray windows) {
        NDManager m = windows.getManager();
        long rows = windows.getShape().get(0);
        NDArray byChannel = windows.transpose(0, 2, 1).reshape(rows * channels, length);
        NDArray re = byChannel.matMul(m.create(cosine, new Shape(length, bins)));
        NDArray im = byChannel.matMul(m.create(sine, new Shape(length, bins)));
        // the small floor keeps the square root's gradient finite at a zero magnitude
        NDArray power = re.square().add(im.square()).add(m.create(1e-6f));
        return power.sqrt().reshape(rows, (long) channels * bins);
    }
}
