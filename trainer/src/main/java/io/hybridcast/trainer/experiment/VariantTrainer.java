package io.hybridcast.trainer.experiment;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.hybridcast.model.aphynity.Aphynity;
import io.hybridcast.model.aphynity.AphynityConfig;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.EarlyStopping;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.model.vae.OracleLatents;
import io.hybridcast.simulator.dataset.EpisodicDataset;

import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Trains one model variant of an experiment with one seed: the paper's configuration of its algorithm, the
 * experiment's scale, and (with validation on) early stopping on a label-free validation loss with the best
 * checkpoint restored.
 */
final class VariantTrainer {

    /** A trained model and where its early stopping ended (best step = steps done without early stopping). */
    record Trained(HybridModel model, int bestStep, int stepsDone) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }


    private final ExperimentSettings settings;
    private final ModelSpec baseSpec;
    private final ToDoubleFunction<HybridModel> validationLoss;
    private final OracleLatents oracle;

    /**
     * @param baseSpec       the spec every variant derives from
     * @param validationLoss the early-stopping criterion of a model in training (lower is better)
     * @param oracle         offline oracle ablation: the true z_n of every window the VAEs see, else null
     */
    VariantTrainer(ExperimentSettings settings, ModelSpec baseSpec, ToDoubleFunction<HybridModel> validationLoss,
                   OracleLatents oracle) {
        this.settings = settings;
        this.baseSpec = baseSpec;
        this.validationLoss = validationLoss;
        this.oracle = oracle;
    }

    /**
     * Trains one variant: APHYNITY with its own loss and λ schedule, every other id as a hybrid VAE. With
     * {@code validateEvery > 0}, early stopping on the forecast MSE of the validation split (label-free), with the
     * learning rate halved after half the patience without improvement and the best checkpoint restored.
     */
    Trained train(ModelVariant variant, long seed, EpisodicDataset data, int epochs, int batchSize,
                  NDManager manager, TrainingListener listener) {
        boolean stopping = settings.validateEvery() > 0;
        EarlyStopping[] stopper = new EarlyStopping[1];
        if (variant.aphynity()) {
            AphynityConfig paper = AphynityConfig.defaults(settings.system().name(), epochs, seed);
            AphynityConfig config = new AphynityConfig(epochs, batchSize, settings.learningRate(), paper.lambda0(),
                    paper.tau2(), paper.innerSteps(), paper.gradientClip(), paper.normaliseByState(), seed);
            Aphynity model = Aphynity.train(Aphynity.specFrom(baseSpec), config, data.observations(), manager,
                    m -> stopping ? (stopper[0] = stopper(m, m.parameters(), 0, listener)) : listener);
            return finish(model, stopper[0]);
        }
        TrainingConfig paper = TrainingConfig.defaults(settings.system().name(), epochs, seed);
        TrainingConfig config = variant.config(TrainingConfig.builder().setEpochs(epochs).setBatchSize(batchSize)
                .setLearningRate(settings.learningRate()).setSeed(seed).setAlpha(settings.effectiveAlpha())
                .setBeta(paper.beta()).setGamma(paper.gamma()).optContextSize(settings.contextSize())
                .optGradientClip(paper.gradientClip()).optKlWeight(settings.klWeight())
                .optPhysicsWarmupSteps(settings.physicsWarmupSteps())
                .optHorizonResidualWeight(settings.horizonResidualWeight())
                .optLeastActionKeepsDrive(settings.leastActionKeepsDrive()).build());
        if (!stopping) {
            if (oracle != null) {
                throw new IllegalArgumentException("the oracle ablation needs early stopping (--validate-every > 0)");
            }
            HybridVae model = HybridVaeTrainer.train(variant.spec(baseSpec), config, data.observations(),
                    data.taskIds(), manager, listener);
            return finish(model, null);
        }
        // as HybridVaeTrainer.train, with a listener that can reach the new model
        HybridVae model = new HybridVae(variant.spec(baseSpec), manager, config.seed());
        try {
            model.setOracleLatents(oracle);
            if (config.horizonResidualWeight() > 0) {
                model.zeroHorizonResidual();
            }
            stopper[0] = stopper(model, model.allParameters(), config.physicsWarmupSteps(), listener);
            HybridVaeTrainer.continueTraining(model, config, data.observations(), data.taskIds(), stopper[0]);
            return finish(model, stopper[0]);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private EarlyStopping stopper(HybridModel model, Map<String, Parameter> parameters, int skipSteps,
                                  TrainingListener listener) {
        int patience = settings.patience();
        return new EarlyStopping(parameters, () -> validationLoss.applyAsDouble(model),
                new EarlyStopping.Schedule(settings.validateEvery(), patience, Math.max(1, patience / 2), skipSteps,
                        settings.maxMinutes()),
                listener);
    }

    private static Trained finish(HybridModel model, EarlyStopping stopper) {
        if (stopper == null) {
            return new Trained(model, -1, -1);
        }
        stopper.restoreBest();
        return new Trained(model, stopper.bestStep(), stopper.stepsDone());
    }
}
