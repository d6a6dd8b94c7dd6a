package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Channels;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.anomaly.ModelCheckState;
import io.hybridcast.streams.anomaly.UsualLevel;
import io.hybridcast.streams.config.AnomalySettings;
import io.hybridcast.streams.config.StreamsSettings;

import java.util.List;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Forecast deviation. With the per-sensor calibration on (the default), a sequential test on the sensor's
 * calibrated residuals whose false-alarm rate is set by design ({@link DeviationCusum}). With it off, the older rule:
 * compares each actual with the newest pending forecast covering it, in units of the band
 * (the sensor's own conformal band, {@link ForecastCalibration}, widened to its usual forecast error), with
 * hysteresis, and only at steps whose calibration has warmed up; every covering forecast teaches the calibration;
 * drops the forecasts whose last step has passed. Each scored actual also feeds the sensor's live forecast score and the metrics.
 */
final class ForecastDeviationCheck {

    private final PendingForecasts pending;
    private final AnomalyEmitter emitter;
    private final AppMetrics metrics;
    // read once: the check runs for every reading
    private final double threshold;
    private final int raise;
    private final int clear;
    private final int calibration;
    private final int calibrationWarmup;
    private final double calibrationAlpha;
    private final double arlSamples;

    ForecastDeviationCheck(StreamsSettings settings, PendingForecasts pending,
                           AnomalyEmitter emitter, AppMetrics metrics) {
        this.pending = pending;
        this.emitter = emitter;
        this.metrics = metrics;
        this.threshold = settings.get(AnomalySettings.DEVIATION_THRESHOLD);
        this.raise = settings.get(AnomalySettings.DEVIATION_RAISE);
        this.clear = settings.get(AnomalySettings.DEVIATION_CLEAR);
        this.calibration = settings.get(AnomalySettings.DEVIATION_CALIBRATION);
        this.calibrationWarmup = settings.get(AnomalySettings.FORECAST_CALIBRATION_WARMUP);
        this.calibrationAlpha = settings.get(AnomalySettings.FORECAST_CALIBRATION_ALPHA);
        this.arlSamples = settings.get(AnomalySettings.DEVIATION_ARL_SAMPLES);
    }

    void check(SensorState state, double[] x, long seq, long time) {
        String sensorId = state.sensorId;
        ForecastScoring forecasts = pending.existingScoring(sensorId);
        if (forecasts == null || !pending.hasEntries(sensorId)) {
            return;
        }
        if (calibrationWarmup > 0) {
            checkSequentially(state, forecasts, x, seq, time);
            return;
        }
        // every forecast with a step for this actual teaches the sensor's calibration of that step; not while a
        // deviation is flagged, so a fault does not become the usual error while it lasts
        for (PendingForecasts.Entry e : state.checks().deviation().active() ? List.<PendingForecasts.Entry>of()
                : pending.allCovering(sensorId, seq)) {
            teach(forecasts, e, seq, x);
        }
        PendingForecasts.Entry entry = pending.newestCovering(sensorId, seq);
        if (entry != null) {
            int step = (int) (seq - entry.firstSequence());
            double sumSquares = 0;
            double worstZ = -1;
            int worst = 0;
            for (int c = 0; c < x.length; c++) {
                double mid = entry.mean()[step][c];
                double halfWidth = (entry.upper()[step][c] - entry.lower()[step][c]) / 2;
                double sigma = Math.max(halfWidth / 1.96, 1e-9);
                double z = (x[c] - mid) / sigma;
                sumSquares += z * z;
                if (Math.abs(z) > worstZ) {
                    worstZ = Math.abs(z);
                    worst = c;
                }
            }
            double meanSquare = sumSquares / x.length;
            if (entry.last().length == x.length) {
                state.score().add(x, entry.mean()[step], entry.lower()[step], entry.upper()[step], entry.last());
                metrics.forecastScored(state.system.name(), x, entry.mean()[step], entry.lower()[step],
                        entry.upper()[step], entry.last());
            }
            ModelCheckState checks = state.checks();
            UsualLevel usual = checks.band();
            usual.useModelVersion(entry.modelVersion());
            double widen = bandWidening(usual, calibration);
            double score = Math.sqrt(meanSquare) / widen;
            Latch deviation = checks.deviation();
            // a band this sensor's own errors have not calibrated yet says nothing about a deviation
            boolean judged = forecasts.calibration.warmedUp(step, calibrationWarmup);
            Latch.Transition transition = deviation.observe(judged ? score : 0, threshold, seq, raise, clear);
            // the calibration learns from every sample of its warm-up, then from normal samples only
            if (judged && calibration > 0
                    && (!usual.warmedUp(calibration) || (!deviation.active() && score <= threshold))) {
                usual.addNormal(meanSquare, calibration);
            }
            if (transition == Latch.Transition.RAISED) {
                String unit = Channels.unit(state.system);
                long from = deviation.firstAboveSequence();
                emitter.emit(Anomalies.of(sensorId, state.system, AnomalyKind.FORECAST_DEVIATION,
                        Channels.name(state.system, worst), score, threshold, from, seq, time, entry.modelVersion(),
                        "Forecast deviation: " + Channels.name(state.system, worst) + " left the forecast band for "
                                + (seq - from + 1) + " samples; observed " + num(x[worst]) + unit + ", forecast "
                                + num(entry.mean()[step][worst]) + unit + " (band " + num(entry.lower()[step][worst])
                                + " to " + num(entry.upper()[step][worst]) + unit + "), score " + num(score)
                                + " > " + num(threshold) + (widen > 1 ? " (band widened " + num(widen)
                                + "x to this sensor's usual forecast error)" : "") + "."), time);
            }
        }
        pending.expireThrough(sensorId, seq);
        pending.scored(sensorId, forecasts); // the calibration learnt from this actual
    }

    /**
     * With the per-sensor calibration on: the sequential test ({@link DeviationCusum}) on the residuals of the
     * newest covering forecast in units of the sensor's calibrated RMS error, judged before this actual teaches
     * the calibration. The calibration learns from every actual, a fault's too: a step the model has not caught
     * up with becomes the usual error within about 1 / alpha actuals, so the test clears and is armed for the
     * next fault (a latch that froze the calibration stayed raised through a later noise burst on the same sensor).
     */
    private void checkSequentially(SensorState state, ForecastScoring forecasts, double[] x, long seq, long time) {
        List<PendingForecasts.Entry> covering = pending.allCovering(state.sensorId, seq);
        PendingForecasts.Entry entry = covering.isEmpty() ? null : covering.get(covering.size() - 1);
        double sumSquares = 0;
        double worstZ = -1;
        int worst = 0;
        int step = -1;
        boolean judged = false;
        if (entry != null && entry.last().length == x.length) {
            step = (int) (seq - entry.firstSequence());
            judged = forecasts.calibration.warmedUp(step, calibrationWarmup);
            for (int c = 0; c < x.length; c++) {
                double z = (x[c] - entry.mean()[step][c]) / Math.max(forecasts.calibration.scale(step, c), 1e-12);
                sumSquares += z * z;
                if (Math.abs(z) > worstZ) {
                    worstZ = Math.abs(z);
                    worst = c;
                }
            }
            state.score().add(x, entry.mean()[step], entry.lower()[step], entry.upper()[step], entry.last());
            metrics.forecastScored(state.system.name(), x, entry.mean()[step], entry.lower()[step],
                    entry.upper()[step], entry.last());
        }
        for (PendingForecasts.Entry e : covering) {
            teach(forecasts, e, seq, x);
        }
        if (judged) {
            DeviationCusum cusum = forecasts.cusum;
            int block = 2 * entry.mean().length; // residuals stay correlated over a forecast's horizon
            double increment = DeviationCusum.increment(sumSquares / x.length);
            if (cusum.observe(increment, seq, true, block, arlSamples, holdSamples())) {
                String unit = Channels.unit(state.system);
                long from = cusum.startSequence();
                double threshold = cusum.lastThreshold();
                emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.FORECAST_DEVIATION,
                        Channels.name(state.system, worst), cusum.lastStatistic(), threshold, from, seq, time,
                        entry.modelVersion(), "Forecast deviation: the errors of " + Channels.name(state.system, worst)
                                + " and the other channels grew beyond this sensor's calibrated forecast error for "
                                + (seq - from + 1) + " samples (sequential test " + num(cusum.lastStatistic()) + " > "
                                + num(threshold) + ", set for one false alarm per " + num(arlSamples)
                                + " samples); observed " + num(x[worst]) + unit + ", forecast "
                                + num(entry.mean()[step][worst]) + unit + " (band " + num(entry.lower()[step][worst])
                                + " to " + num(entry.upper()[step][worst]) + unit + ")."), time);
            }
        }
        pending.expireThrough(state.sensorId, seq);
        pending.scored(state.sensorId, forecasts);
    }

    /**
     * Teaches the calibration the actuals that arrived while the sensor's forecast was being made: inference that
     * waited behind a batch, a commit or a backlog publishes a forecast whose first steps are already in the sensor's
     * recent samples, and {@link #check} only sees actuals that arrive after it. Without this, a sensor whose
     * forecasts come a few samples late every time never learns its first steps' blend and publishes the raw model
     * there. Not judged and not scored: nobody saw those steps before their actuals.
     */
    void learnArrived(SensorState state) {
        long newest = state.lastSequence();
        long late = newest - state.query().sequence();
        // the actuals must be the ones after the query in one contiguous run of the recent samples
        if (late <= 0 || late >= state.recent().size() || state.cursor().contiguousSamples() <= late
                || (calibrationWarmup == 0 && state.checks().deviation().active())) {
            return; // on time (the usual case), or (older rule) no learning while a deviation is flagged
        }
        ForecastScoring forecasts = pending.existingScoring(state.sensorId);
        PendingForecasts.Entry entry = pending.startingAt(state.sensorId, state.query().sequence() + 1);
        if (forecasts == null || entry == null) {
            return; // not scored (made from a window with an operating event)
        }
        for (long seq = entry.firstSequence(); seq <= Math.min(newest, entry.lastSequence()); seq++) {
            teach(forecasts, entry, seq, state.recent().previous((int) (newest - seq)));
        }
        pending.scored(state.sensorId, forecasts);
    }

    /** The actual {@code x} at {@code seq} teaches the calibration of the step of {@code entry} it falls on. */
    private void teach(ForecastScoring forecasts, PendingForecasts.Entry entry, long seq, double[] x) {
        int h = (int) (seq - entry.firstSequence());
        if (entry.last().length == x.length) {
            forecasts.calibration.learn(h, entry.mean().length, x, entry.model()[h], entry.mean()[h], entry.last(),
                    calibrationAlpha);
        }
    }

    /** Judged actuals the test holds for after an alarm or an event: two memories of the calibration. */
    long holdSamples() {
        return Math.round(2 / calibrationAlpha);
    }

    /**
     * How much a sensor's band is widened for scoring: its usual RMS standardised residual once {@code calibration}
     * samples measured it (0 = calibration off), never below 1, so a well-calibrated band stays as it is.
     */
    static double bandWidening(UsualLevel band, int calibration) {
        return calibration > 0 && band.warmedUp(calibration) ? Math.max(1, Math.sqrt(band.mean())) : 1;
    }
}
