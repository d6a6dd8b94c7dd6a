package io.hybridcast.trainer.service;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.schemas.SensorSystems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * One training run of a candidate: warm-started from a copy of the served model ({@code --epochs}), or from
 * scratch for the first model ({@code --bootstrap-epochs}, after a physics warm-up on simulated physics-only
 * windows). Progress goes to the log (step, loss, ETA) and, in per mille, to {@code progress}.
 */
final class CandidateTraining {

    private static final Logger LOG = LoggerFactory.getLogger(CandidateTraining.class);
    /** Physics warm-up steps of a first model (the experiment's default, where it lowered the MSE of omega). */
    static final int BOOTSTRAP_PHYSICS_WARMUP_STEPS = 300;

    private final TrainerSettings settings;
    private final IntConsumer progressPermille;

    CandidateTraining(TrainerSettings settings, IntConsumer progressPermille) {
        this.settings = settings;
        this.progressPermille = progressPermille;
    }

    /** Trains a candidate on {@code train}, from {@code served} when there is one; the served model is not changed. */
    HybridVae train(Optional<HybridVae> served, TaskWindows train, long seed, NDManager manager) {
        int epochs = served.isPresent() ? settings.epochs() : settings.bootstrapEpochs();
        TrainingConfig config = TrainingConfig.defaults(settings.system().name(), epochs, seed)
                .withSchedule(epochs, Math.min(64, train.size()));
        if (served.isEmpty()) {
            // a first model learns to read z_p from simulated physics-only windows before the joint fit: no
            // data is needed for it, it costs a few seconds, and it keeps the physics head from starting where
            // the neural part can explain everything (docs/model.md, "physics warm-up")
            config = config.withKlAndWarmup(config.klWeight(), BOOTSTRAP_PHYSICS_WARMUP_STEPS);
        }
        TrainingListener log = new LogProgress(settings.system());
        TrainingListener progress = (step, total, epoch, loss, elapsed) -> {
            progressPermille.accept((int) (1000L * step / total));
            log.onStep(step, total, epoch, loss, elapsed);
        };
        if (served.isPresent()) {
            // warm start: a fresh copy of the served model, trained further; the served one stays as it was
            HybridVae candidate = copyOf(served.get(), manager, seed);
            HybridVaeTrainer.continueTraining(candidate, config, train.windows(), train.taskIds(), progress);
            return candidate;
        }
        return HybridVaeTrainer.train(newSpec(), config, train.windows(), train.taskIds(), manager, progress);
    }

    /** A new model with the same spec and parameters as {@code from}. */
    static HybridVae copyOf(HybridVae from, NDManager manager, long seed) {
        HybridVae copy = new HybridVae(from.spec(), manager, seed);
        var source = from.allParameters();
        copy.allParameters().forEach((id, p) -> p.getArray().set(source.get(id).getArray().toFloatArray()));
        return copy;
    }

    /** The spec of a first model of this trainer's system. */
    ModelSpec newSpec() {
        SensorSystems.Spec s = SensorSystems.of(settings.system());
        PriorRange prior = PriorRange.forSystem(settings.system().name());
        int neural = Math.max(1, s.unmodelledParameters().size());
        return new ModelSpec(settings.system().name(), settings.algorithm(), settings.windowLength(), s.channels(),
                s.dtSeconds(), settings.horizon(), s.physicsParameters().get(0), prior.min(), prior.max(), neural, 64,
                32, 1, "rk4", -9, true, true, "meta-hybrid-vae".equals(settings.algorithm()));
    }

    /** Logs training progress about every 10 % with loss and ETA. */
    private record LogProgress(SystemKind system) implements TrainingListener {
        @Override
        public void onStep(int step, int totalSteps, int epoch, double loss, long elapsedNanos) {
            int every = Math.max(1, totalSteps / 10);
            if (step % every == 0 || step == totalSteps) {
                double eta = elapsedNanos / 1e9 / step * (totalSteps - step);
                LOG.info("Training {}: step {}/{} (epoch {}), loss {}, ETA {} s", system, step, totalSteps, epoch,
                        String.format("%.4f", loss), String.format("%.0f", eta));
            }
        }
    }
}
