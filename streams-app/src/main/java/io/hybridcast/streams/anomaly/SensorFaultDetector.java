package io.hybridcast.streams.anomaly;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.streams.config.AnomalySettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.topology.SensorState;

import java.util.ArrayList;
import java.util.List;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Model-free sensor-fault checks, run on every valid reading before it joins the sensor's window: dropout
 * (a sequence gap), out of physical range, stuck (identical readings), spike (a jump far beyond the
 * sensor's typical curvature) and noise burst (one-step prediction errors beyond their usual size,
 * {@link NoiseBurstCheck}). Each keeps its hysteresis in the {@link SensorState}; dropouts are single
 * events and are reported one by one.
 */
public final class SensorFaultDetector {

    /** Weight of a new observation in the spike scale's moving average. */
    private static final double SPIKE_SCALE_ALPHA = 0.05;
    /** Readings needed before the spike scale is trusted. */
    private static final int SPIKE_WARM_UP = 10;

    private final int stuckSamples;
    private final double stuckTolerance;
    private final double spikeThreshold;
    private final int dropoutMinMissing;
    private final int clearSamples;
    private final NoiseBurstCheck noise;

    public SensorFaultDetector(StreamsSettings settings) {
        this.stuckSamples = settings.get(AnomalySettings.STUCK_SAMPLES);
        this.stuckTolerance = settings.get(AnomalySettings.STUCK_TOLERANCE);
        this.spikeThreshold = settings.get(AnomalySettings.SPIKE_THRESHOLD);
        this.dropoutMinMissing = settings.get(AnomalySettings.DROPOUT_MIN_MISSING);
        this.clearSamples = settings.get(AnomalySettings.FAULT_CLEAR_SAMPLES);
        this.noise = new NoiseBurstCheck(settings.get(AnomalySettings.NOISE_ARL_SAMPLES));
    }

    /**
     * Checks a gap before the reading; call before the reading is appended (the caller resets the window
     * after a gap). Returns the dropout anomaly or null.
     */
    public Anomaly dropout(SensorState state, SensorReading reading) {
        long last = state.cursor().lastSequence();
        if (last < 0) {
            return null;
        }
        long missing = reading.getSequence() - last - 1;
        if (missing < dropoutMinMissing) {
            return null;
        }
        long interval = SensorSystems.of(reading.getSystem()).sampleIntervalMillis();
        long from = last + 1;
        long to = reading.getSequence() - 1;
        return Anomalies.of(state.sensorId, reading.getSystem(), AnomalyKind.SENSOR_FAULT, "dropout", missing,
                dropoutMinMissing, from, to, reading.getEventTime().toEpochMilli(), null,
                "Dropout: " + missing + " sample" + (missing == 1 ? "" : "s") + " missing (sequences " + from
                        + (to > from ? " to " + to : "") + ", about " + num(missing * interval / 1000.0)
                        + " s); the forecast window restarts after the gap.");
    }

    /**
     * Range, stuck and spike checks of one reading against the sensor's previous readings (still in
     * {@code state.recent()}); updates the detectors' state ({@link FaultState}). Returns the anomalies raised (usually none).
     */
    public List<Anomaly> check(SensorState state, SensorReading reading) {
        List<Anomaly> raised = new ArrayList<>(0);
        FaultState f = state.faults();
        SensorSystems.Spec spec = SensorSystems.of(reading.getSystem());
        double[] x = toArray(reading);
        long seq = reading.getSequence();
        long time = reading.getEventTime().toEpochMilli();
        String unit = Channels.unit(reading.getSystem());

        // out of physical range: score 0 inside, > 1 outside, growing with the excess
        double width = spec.maxReading() - spec.minReading();
        double rangeScore = 0;
        int worst = 0;
        for (int c = 0; c < x.length; c++) {
            double excess = x[c] > spec.maxReading() ? x[c] - spec.maxReading()
                    : x[c] < spec.minReading() ? spec.minReading() - x[c] : -1;
            double score = excess < 0 ? 0 : 1 + excess / width;
            if (score > rangeScore) {
                rangeScore = score;
                worst = c;
            }
        }
        boolean event = f.eventExempt > 0;
        if (event) {
            f.eventExempt--;
            // the event's own jump is announced, not a fault: no range or spike score for it
            rangeScore = f.eventExempt == 2 ? 0 : rangeScore;
        }
        if (f.range.observe(rangeScore, 1.0, seq, 1, clearSamples) == Latch.Transition.RAISED) {
            raised.add(Anomalies.of(state.sensorId, reading.getSystem(), AnomalyKind.SENSOR_FAULT, "out_of_range",
                    rangeScore, 1.0, seq, seq, time, null,
                    "Out of physical range: " + Channels.name(reading.getSystem(), worst) + " = " + num(x[worst])
                            + unit + " is outside [" + num(spec.minReading()) + ", " + num(spec.maxReading()) + "]"
                            + unit + "."));
        }

        // stuck: identical readings in a row
        double[] previous = state.recent().previous(0);
        if (previous != null && maxAbsDiff(x, previous) <= stuckTolerance) {
            f.stuckRun++;
        } else {
            f.stuckRun = 0;
        }
        int identical = f.stuckRun + 1;
        if (f.stuck.observe(identical, stuckSamples - 0.5, seq, 1, clearSamples) == Latch.Transition.RAISED) {
            raised.add(Anomalies.of(state.sensorId, reading.getSystem(), AnomalyKind.SENSOR_FAULT, "stuck",
                    identical, stuckSamples, seq - identical + 1, seq, time, null,
                    "Stuck sensor: " + identical + " identical readings in a row (" + Channels.name(reading.getSystem(), 0)
                            + " = " + num(x[0]) + unit + " since sequence " + (seq - identical + 1) + ")."));
        }

        // spike: jump from the linear extrapolation of the two previous readings, in units of its usual size
        double[] beforePrevious = state.recent().previous(1);
        double spikeScore = 0;
        int spikeChannel = 0;
        double expectedValue = 0;
        if (previous != null && beforePrevious != null) {
            if (f.spikeScale.length != x.length) {
                f.spikeScale = new double[x.length];
                f.spikeScaleSamples = 0;
            }
            double[] residual = new double[x.length];
            for (int c = 0; c < x.length; c++) {
                double predicted = 2 * previous[c] - beforePrevious[c];
                residual[c] = Math.abs(x[c] - predicted);
                // the floor keeps a perfectly smooth (or stuck) signal from dividing by zero
                double scale = Math.max(f.spikeScale[c], 1e-9 * (1 + Math.abs(previous[c])));
                double score = residual[c] / scale;
                if (score > spikeScore) {
                    spikeScore = score;
                    spikeChannel = c;
                    expectedValue = predicted;
                }
            }
            boolean warm = f.spikeScaleSamples >= SPIKE_WARM_UP;
            if (!warm || event) {
                spikeScore = 0;
            }
            // a spike must not teach the scale that spikes are normal, nor an announced jump
            if (!event && (!warm || spikeScore <= spikeThreshold)) {
                for (int c = 0; c < x.length; c++) {
                    // a plain mean while warming up (after an event too), then the moving average
                    double a = Math.max(SPIKE_SCALE_ALPHA, 1.0 / (f.spikeScaleSamples + 1));
                    f.spikeScale[c] = (1 - a) * f.spikeScale[c] + a * residual[c];
                }
                f.spikeScaleSamples++;
            }
        }
        if (f.spike.observe(spikeScore, spikeThreshold, seq, 1, clearSamples) == Latch.Transition.RAISED) {
            raised.add(Anomalies.of(state.sensorId, reading.getSystem(), AnomalyKind.SENSOR_FAULT, "spike",
                    spikeScore, spikeThreshold, seq, seq, time, null,
                    "Spike: " + Channels.name(reading.getSystem(), spikeChannel) + " jumped to "
                            + num(x[spikeChannel]) + unit + " where about " + num(expectedValue) + unit
                            + " was expected (score " + num(spikeScore) + " > " + num(spikeThreshold) + ")."));
        }

        NoiseBurstCheck.Raised burst = noise.observe(f.noise, state.recent()::previous, state.recent().size(), x,
                seq, spikeScore > spikeThreshold);
        if (burst != null) {
            raised.add(Anomalies.of(state.sensorId, reading.getSystem(), AnomalyKind.SENSOR_FAULT, "noise",
                    burst.statistic(), burst.threshold(), burst.fromSequence(), seq, time, null,
                    "Noise burst: the one-step prediction errors of " + Channels.name(reading.getSystem(),
                            burst.channel()) + (x.length > 1 ? " and the other channels" : "") + " are "
                            + num(burst.errorRatio()) + " times their usual size since sequence "
                            + burst.fromSequence() + " (sequential test " + num(burst.statistic()) + " > "
                            + num(burst.threshold()) + ", set for one false alarm per "
                            + Math.round(noise.arlSamples()) + " samples)."));
        }
        return raised;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    public static double[] toArray(SensorReading reading) {
        double[] x = new double[reading.getValues().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = reading.getValues().get(i);
        }
        return x;
    }
}
