package io.hybridcast.trainer.service;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.trainer.basemodel.BaseModelCalibration;
import io.hybridcast.trainer.basemodel.IntervalCalibrationFit;
import io.hybridcast.trainer.basemodel.LiveWindows;
import io.hybridcast.trainer.basemodel.TwinPopulation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The sensor-level z_p error of a model on a held-out simulated population (the digital twin: sensors none of
 * which is a live, replayed or base-model sensor, their parameters known because they are simulated), cut and
 * fused exactly as the streams app fuses a live sensor ({@link IntervalCalibrationFit}). The promotion rule
 * compares candidate and served version on it ({@link PromotionRule#populationRejection}): the live fleet has no
 * truth, and a warm-started candidate trained on a few live sensors in steady state can forecast them better while
 * reading ω worse, which neither its prediction MSE nor its within-sensor spread shows.
 *
 * <p>The sensors are the calibration's kind ({@link BaseModelCalibration#population}): for the pendulum half with
 * operating events, half started as live and left alone, since a model can lose one regime while gaining the
 * other.
 */
final class PopulationGuard {

    private static final Logger LOG = LoggerFactory.getLogger(PopulationGuard.class);
    /** Seconds of operation per guard sensor: the first minute is not scored, as live. */
    static final double SECONDS = 150;
    /** Mean seconds between operating events of the sensors with events (the base models' population). */
    static final double EVENT_GAP = 30;
    /** Seed offset of the guard population, apart from the replay's and the calibration's. */
    private static final long SEED_OFFSET = 11_000_027L;

    private final TrainerSettings settings;
    private final int sensors;
    private List<TwinPopulation.Sensor> population;

    PopulationGuard(TrainerSettings settings, int sensors) {
        if (sensors < 2) {
            throw new IllegalArgumentException("Setting --guard-sensors must be 0 (off) or >= 2, got " + sensors);
        }
        this.settings = settings;
        this.sensors = sensors;
    }

    /**
     * The mean relative error of the model's sensor-level z_p, as published under {@code calibration} (which tier a
     * point is published in depends on it), over the guard population's scored points.
     */
    double error(HybridModel model, IntervalCalibration calibration) {
        SystemKind system = settings.system();
        IntervalCalibrationFit.Fusion fusion = BaseModelCalibration.fusion(system, settings.windowLength(),
                settings.hop(), settings.contextSize());
        return IntervalCalibrationFit.points(model, population(), fusion, LiveWindows.readingBound(system))
                .relativeError(calibration);
    }

    /** Simulated once per service: the same sensors judge every candidate. */
    private synchronized List<TwinPopulation.Sensor> population() {
        if (population == null) {
            long start = System.nanoTime();
            SystemKind system = settings.system();
            population = List.copyOf(BaseModelCalibration.population(system, sensors, SECONDS, EVENT_GAP,
                    settings.seed() + SEED_OFFSET));
            LOG.info("Promotion guard: {} simulated {} sensors, simulated in {} s", sensors, system,
                    String.format("%.1f", (System.nanoTime() - start) / 1e9));
        }
        return population;
    }
}
