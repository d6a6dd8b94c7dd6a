package io.hybridcast.trainer.basemodel;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.schemas.SensorSystems;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The interval calibration of a base model ({@link IntervalCalibrationFit}): fitted on {@code sensors} simulated
 * sensors of {@code seconds} each and checked on as many others (both from seeds of their own, none a training,
 * validation or test sensor), fused as the streams app fuses with its default settings.
 */
public final class BaseModelCalibration {

    /** The streams app's physics.forgetting default. */
    static final double FORGETTING = 0.95;
    /** The streams app's sensor-physics capacity at its defaults (BatchInference.physicsCapacity(0.95, 3 + 4)). */
    static final int CAPACITY = 97;
    /** The live score counts sensor-level estimates after each sensor's first minute. */
    static final double MIN_SECONDS = 60;

    /**
     * What the calibration found.
     *
     * @param calibration the fitted calibration
     * @param fit         its points (fit sensors)
     * @param check       the held-out points (check sensors)
     */
    public record Result(IntervalCalibration calibration, IntervalCalibrationFit.Points fit,
                         IntervalCalibrationFit.Points check) {

        /** The calibration and its coverage, as bundle metrics. */
        public Map<String, Double> metrics() {
            IntervalCalibration none = new IntervalCalibration(0, calibration.range());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(IntervalCalibration.METRIC, calibration.systematic());
            m.put("zp_interval_coverage_fit", fit.coverage(calibration));
            m.put("zp_interval_coverage_check", check.coverage(calibration));
            m.put("zp_interval_coverage_check_uncalibrated", check.coverage(none));
            m.put("zp_sensor_level_rel_err_check", check.relativeError());
            return m;
        }
    }

    private BaseModelCalibration() {
    }

    /** Fits and checks the calibration of {@code model} for {@code system}. */
    public static Result of(HybridModel model, SystemKind system, int sensors, double seconds, double eventGap,
                            int windowLength, int hop, int contextSize, long seed, Consumer<String> log) {
        IntervalCalibrationFit.Fusion fusion = new IntervalCalibrationFit.Fusion(windowLength, hop, contextSize,
                SensorSystems.of(system).dtSeconds(), FORGETTING, CAPACITY, MIN_SECONDS);
        double bound = LiveWindows.readingBound(system);
        TwinPopulation.Spec spec = TwinPopulation.Spec.of(system, sensors, seconds, eventGap);
        List<TwinPopulation.Sensor> fitSensors = TwinPopulation.simulate(spec, seed + 3_000_009L);
        List<TwinPopulation.Sensor> checkSensors = TwinPopulation.simulate(spec, seed + 4_000_012L);
        PriorRange range = PriorRange.forSystem(system.name());
        IntervalCalibrationFit.Points fit = IntervalCalibrationFit.points(model, fitSensors, fusion, bound);
        IntervalCalibrationFit.Points check = IntervalCalibrationFit.points(model, checkSensors, fusion, bound);
        IntervalCalibration none = new IntervalCalibration(0, range);
        IntervalCalibration calibration = IntervalCalibrationFit.fit(fit, range);
        log.accept(IntervalCalibrationFit.summary("calibration, fit sensors", fit, none, calibration));
        log.accept(IntervalCalibrationFit.summary("calibration, held-out sensors", check, none, calibration));
        return new Result(calibration, fit, check);
    }
}
