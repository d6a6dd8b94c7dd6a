package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Channels;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.anomaly.ModelCheckState;
import io.hybridcast.streams.anomaly.UsualLevel;
import io.hybridcast.streams.config.StreamsSettings;

import java.util.List;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Forecast deviation: compares each actual with the newest pending forecast covering it, in units of the band
 * (the sensor's own conformal band, {@link ForecastCalibration}, widened to its usual forecast error), with
 * hysteresis, and only at steps whose calibration has warmed up; every covering forecast teaches the calibration;
 * drops the forecasts whose last step has passed. Each scored actual also feeds the sensor's live forecast score and the metrics.
 */
final class ForecastDeviationCheck {

    private final WriteBehindStore<PendingForecasts> pending;
    private final AnomalyEmitter emitter;
    private final AppMetrics metrics;
    // read once: the check runs for every reading
    private final double threshold;
    private final int raise;
    private final int clear;
    private final int calibration;
    private final int calibrationWarmup;
    private final double calibrationAlpha;

    ForecastDeviationCheck(StreamsSettings settings, WriteBehindStore<PendingForecasts> pending,
                           AnomalyEmitter emitter, AppMetrics metrics) {
        this.pending = pending;
        this.emitter = emitter;
        this.metrics = metrics;
        this.threshold = settings.get(StreamsSettings.DEVIATION_THRESHOLD);
        this.raise = settings.get(StreamsSettings.DEVIATION_RAISE);
        this.clear = settings.get(StreamsSettings.DEVIATION_CLEAR);
        this.calibration = settings.get(StreamsSettings.DEVIATION_CALIBRATION);
        this.calibrationWarmup = settings.get(StreamsSettings.FORECAST_CALIBRATION_WARMUP);
        this.calibrationAlpha = settings.get(StreamsSettings.FORECAST_CALIBRATION_ALPHA);
    }

    void check(SensorState state, double[] x, long seq, long time) {
        String sensorId = state.sensorId;
        PendingForecasts forecasts = pending.read(sensorId);
        if (forecasts == null || forecasts.entries.isEmpty()) {
            return;
        }
        // every forecast with a step for this actual teaches the sensor's calibration of that step; not while a
        // deviation is flagged, so a fault does not become the usual error while it lasts
        for (PendingForecasts.Entry e : state.checks().deviation().active() ? List.<PendingForecasts.Entry>of()
                : forecasts.allCovering(seq)) {
            int h = (int) (seq - e.firstSequence());
            if (e.last().length == x.length) {
                forecasts.calibration.learn(h, e.mean().length, x, e.model()[h], e.mean()[h], e.last(),
                        calibrationAlpha);
            }
        }
        PendingForecasts.Entry entry = forecasts.newestCovering(seq);
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
        forecasts.expireThrough(seq);
        pending.write(sensorId, forecasts); // the calibration learnt from this actual
    }

    /**
     * How much a sensor's band is widened for scoring: its usual RMS standardised residual once {@code calibration}
     * samples measured it (0 = calibration off), never below 1, so a well-calibrated band stays as it is.
     */
    static double bandWidening(UsualLevel band, int calibration) {
        return calibration > 0 && band.warmedUp(calibration) ? Math.max(1, Math.sqrt(band.mean())) : 1;
    }
}
