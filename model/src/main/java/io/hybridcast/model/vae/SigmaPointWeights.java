package io.hybridcast.model.vae;

/**
 * The sigma points of a d-dimensional diagonal Gaussian (the unscented transform), shared by the DJL band
 * ({@code SigmaPointInference}) and the serving kernel's band ({@code io.hybridcast.model.kernel}): 2d + 1 points,
 * the mean first, then μ ± √(d+κ)·σ_i along each axis i, with κ = max(0, 3 − d) (for d = 3: ±√3·σ_i, weights
 * 1/6, centre weight 0, which matches the Gaussian's fourth moment along each axis).
 *
 * @param dims   latent dimension d
 * @param points number of sigma points, 2d + 1
 * @param kappa  κ
 * @param spread √(d + κ), the offset of each point in standard deviations
 * @param centre weight of the centre point, κ / (d + κ)
 * @param other  weight of every other point, 1 / (2(d + κ))
 */
public record SigmaPointWeights(int dims, int points, double kappa, double spread, double centre, double other) {

    /** The points and weights for d latent dimensions. */
    public static SigmaPointWeights of(int d) {
        if (d < 1) {
            throw new IllegalArgumentException("sigma points need d >= 1, got " + d);
        }
        double kappa = Math.max(0, 3 - d);
        return new SigmaPointWeights(d, 2 * d + 1, kappa, Math.sqrt(d + kappa), kappa / (d + kappa),
                1 / (2 * (d + kappa)));
    }

    /** Weight of point k (0 is the centre). */
    public double weight(int k) {
        return k == 0 ? centre : other;
    }

    /** The latent axis point k (k >= 1) moves along. */
    public static int axis(int k) {
        return (k - 1) / 2;
    }

    /** +1 or −1: the side of the mean point k (k >= 1) lies on. */
    public static float sign(int k) {
        return (k - 1) % 2 == 0 ? 1f : -1f;
    }
}
