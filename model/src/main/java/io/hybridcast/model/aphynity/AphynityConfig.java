package io.hybridcast.model.aphynity;

/**
 * Training settings of {@link Aphynity} (SCIENCE.md section 3, APHYNITY by Yin et al., ICLR 2021).
 *
 * @param epochs       passes over the training windows
 * @param batchSize    windows per batch
 * @param learningRate Adam learning rate (APHYNITY's τ1)
 * @param lambda0      initial weight λ of the trajectory MSE
 * @param tau2         λ schedule: after each batch λ ← λ + τ2 · MSE
 * @param innerSteps   Adam steps per batch before λ is raised (APHYNITY's N_iter)
 * @param gradientClip elementwise gradient clip; the same value as the hybrid VAEs so the models differ only
 *                     where the papers differ
 * @param normaliseByState divide ||F_a(X_t)||² by ||X_t||² (APHYNITY does this for the pendulum)
 * @param seed         weights, shuffling
 */
public record AphynityConfig(int epochs, int batchSize, double learningRate, double lambda0, double tau2,
                             int innerSteps, double gradientClip, boolean normaliseByState, long seed) {

    public AphynityConfig {
        require(epochs >= 1, "epochs", epochs, ">= 1");
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
        require(learningRate > 0, "learningRate", learningRate, "> 0");
        require(lambda0 > 0, "lambda0", lambda0, "> 0");
        require(tau2 >= 0, "tau2", tau2, ">= 0");
        require(innerSteps >= 1, "innerSteps", innerSteps, ">= 1");
        require(gradientClip > 0, "gradientClip", gradientClip, "> 0");
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("APHYNITY setting " + name + " must be " + expected + ", got " + value);
        }
    }

    /**
     * APHYNITY's pendulum settings as far as we could reconstruct them (λ0 = 1, τ1 = 1e-3, τ2 = 1, one Adam step
     * per batch), with the batch size of the hybrid VAEs (200) and the state normalisation on for the pendulum.
     */
    public static AphynityConfig defaults(String system, int epochs, long seed) {
        return new AphynityConfig(epochs, 200, 1e-3, 1.0, 1.0, 1, 5.0, "PENDULUM".equals(system), seed);
    }

    /** A copy with another schedule. */
    public AphynityConfig withSchedule(int newEpochs, int newBatchSize) {
        return new AphynityConfig(newEpochs, newBatchSize, learningRate, lambda0, tau2, innerSteps, gradientClip,
                normaliseByState, seed);
    }

    /** A copy with another learning rate. */
    public AphynityConfig withLearningRate(double newLearningRate) {
        return new AphynityConfig(epochs, batchSize, newLearningRate, lambda0, tau2, innerSteps, gradientClip,
                normaliseByState, seed);
    }
}
