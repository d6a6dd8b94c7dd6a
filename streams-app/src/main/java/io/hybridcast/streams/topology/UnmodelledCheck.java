package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ServingModel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Unmodelled dynamics: a shift of the neural latents' posterior. Per latent, the mean of the sensor's newest few
 * disjoint windows (short memory) against the long-run mean and scatter of the windows before them (forgetting),
 * under the serving model version and since the last operating event, once that long run holds
 * anomaly.unmodelled.warmup.windows windows (its scatter is the yardstick). Flagged when a latent moved by at least
 * anomaly.unmodelled.min.shift and by anomaly.unmodelled.sigmas standard errors; the sentence names the latent.
 *
 * <p>Why latents and not the neural share of the signal: the share swings with the phase of a forced pendulum
 * from window to window, while a changed unmodelled drive (damping, forcing) moves where the encoder puts the
 * window in latent space, and the latent that moved says which part of the model took up the change.
 */
final class UnmodelledCheck {

    private static final Logger LOG = LoggerFactory.getLogger(UnmodelledCheck.class);

    private final StreamsSettings settings;
    private final AnomalyEmitter emitter;
    private final int recentWindows;
    private final int longRunMin;
    private final double forgetting;
    private final double minShift;
    private final double sigmas;

    UnmodelledCheck(StreamsSettings settings, AnomalyEmitter emitter) {
        this.settings = settings;
        this.emitter = emitter;
        this.recentWindows = settings.get(StreamsSettings.RECENT_WINDOWS);
        // the latents' long run needs more windows than the physics' (a scatter, not only a mean, is compared)
        this.longRunMin = Math.max(settings.get(StreamsSettings.LONG_RUN_MIN_WINDOWS),
                settings.get(StreamsSettings.UNMODELLED_WARMUP));
        this.forgetting = settings.get(StreamsSettings.PHYSICS_FORGETTING);
        this.minShift = settings.get(StreamsSettings.UNMODELLED_MIN_SHIFT);
        this.sigmas = settings.get(StreamsSettings.UNMODELLED_SIGMAS);
    }

    /** After a forecast; only a newly fused window is new evidence. */
    void afterForecast(SensorState state, SensorPhysics physics, ServingModel model, long time, boolean fused) {
        if (!fused) {
            return;
        }
        double[][] shift = physics.latentShift(model.version(), recentWindows, longRunMin, forgetting,
                state.query().window().length);
        if (shift == null) {
            return;
        }
        double[] recent = shift[0];
        double[] longRun = shift[1];
        double[] variance = shift[2];
        double effective = shift[3][0];
        // the long run's scatter is a sample variance: unbiased (Bessel, on the effective number of windows)
        double bessel = effective > 1 ? effective / (effective - 1) : Double.POSITIVE_INFINITY;
        double score = 0;
        int worst = -1;
        for (int k = 0; k < recent.length; k++) {
            double moved = Math.abs(recent[k] - longRun[k]);
            if (moved < minShift) {
                continue;
            }
            // standard error of the difference of the two means, from the long run's window-to-window scatter
            double z = moved / Math.sqrt(bessel * variance[k] * (1.0 / recentWindows + 1.0 / effective) + 1e-12);
            if (z > score) {
                score = z;
                worst = k;
            }
        }
        LOG.debug("latents {} seq {} score {} worst z_n[{}] recent {} long-run {} var {} n {}", state.sensorId,
                state.query().sequence(), num(score), worst, java.util.Arrays.toString(recent),
                java.util.Arrays.toString(longRun), java.util.Arrays.toString(variance), num(effective));
        Latch unmodelled = state.checks().unmodelled();
        long sequence = state.query().sequence();
        // raised by one comparison (the recent mean pools anomaly.recent.windows windows), cleared with hysteresis
        if (unmodelled.observe(score, sigmas, sequence, 1, settings.get(StreamsSettings.MODEL_CLEAR))
                == Latch.Transition.RAISED) {
            String latent = "z_n[" + worst + "]";
            emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.UNMODELLED_DYNAMICS, latent, score,
                    sigmas, unmodelled.firstAboveSequence(), sequence, time, model.version(),
                    "Unmodelled dynamics: neural latent " + latent + " moved from " + num(longRun[worst]) + " ± "
                            + num(Math.sqrt(variance[worst])) + " (long run) to " + num(recent[worst])
                            + " (newest " + recentWindows + " windows), " + num(score) + " standard errors > "
                            + num(sigmas) + "; the physics does not explain a change the neural part took up."),
                    time);
        }
    }
}
