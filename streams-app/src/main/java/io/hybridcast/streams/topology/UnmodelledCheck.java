package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.config.AnomalySettings;
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
 * anomaly.unmodelled.min.shift and by anomaly.unmodelled.sigmas standard errors, both from the long run's level and
 * from its trend carried forward ({@link LatentShift}); the sentence names the latent.
 *
 * <p>While a pendulum's free swing settles after an operating event (the start-up too) the latents settle with it,
 * so their long run starts once that swing has settled ({@link #settling}): the settling raised two false alarms
 * on the random run (docs/decisions.md).
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
        this.recentWindows = settings.get(AnomalySettings.RECENT_WINDOWS);
        // the latents' long run needs more windows than the physics' (a scatter, not only a mean, is compared)
        this.longRunMin = Math.max(settings.get(AnomalySettings.LONG_RUN_MIN_WINDOWS),
                settings.get(AnomalySettings.UNMODELLED_WARMUP));
        this.forgetting = settings.get(AnomalySettings.PHYSICS_FORGETTING);
        this.minShift = settings.get(AnomalySettings.UNMODELLED_MIN_SHIFT);
        this.sigmas = settings.get(AnomalySettings.UNMODELLED_SIGMAS);
    }

    /** After a forecast; only a newly fused window is new evidence. */
    void afterForecast(SensorState state, SensorPhysics physics, ServingModel model, long time, boolean fused) {
        if (!fused) {
            return;
        }
        int windowLength = state.query().window().length;
        long settled = settling(physics, windowLength);
        // while the free swing settles after an operating event (the start-up too) the latents settle with it
        double[][] shift = physics.latentShift(model.version(), recentWindows, longRunMin, forgetting, windowLength,
                settled);
        if (shift == null) {
            return;
        }
        double[] recent = shift[LatentShift.RECENT];
        double[] longRun = shift[LatentShift.LONG_RUN_MEAN];
        double[] variance = shift[LatentShift.LONG_RUN_VARIANCE];
        double effective = shift[LatentShift.EFFECTIVE][0];
        double[] trend = shift[LatentShift.TREND_AT_RECENT];
        double[] residual = shift[LatentShift.TREND_RESIDUAL_VARIANCE];
        double trendFactor = shift[LatentShift.TREND_VARIANCE_FACTOR][0];
        // the long run's scatter is a sample variance: unbiased (Bessel, on the effective number of windows; two
        // degrees of freedom fewer about the fitted line)
        double bessel = effective > 1 ? effective / (effective - 1) : Double.POSITIVE_INFINITY;
        double besselTrend = effective > 2 ? effective / (effective - 2) : Double.POSITIVE_INFINITY;
        double score = 0;
        double trendScore = 0;
        int worst = -1;
        for (int k = 0; k < recent.length; k++) {
            double moved = Math.abs(recent[k] - longRun[k]);
            if (moved < minShift) {
                continue;
            }
            // standard error of the difference of the two means, from the long run's window-to-window scatter
            double z = moved / Math.sqrt(bessel * variance[k] * (1.0 / recentWindows + 1.0 / effective) + 1e-12);
            // and from the long run's line carried forward: a latent still drifting as the sensor settles is no change
            double zTrend = Math.abs(recent[k] - trend[k])
                    / Math.sqrt(besselTrend * residual[k] * (1.0 / recentWindows + trendFactor) + 1e-12);
            if (Math.min(z, zTrend) > score) {
                score = Math.min(z, zTrend);
                trendScore = zTrend;
                worst = k;
            }
        }
        LOG.debug("latents {} seq {} score {} worst z_n[{}] recent {} long-run {} var {} n {}", state.sensorId,
                state.query().sequence(), num(score), worst, java.util.Arrays.toString(recent),
                java.util.Arrays.toString(longRun), java.util.Arrays.toString(variance), num(effective));
        Latch unmodelled = state.checks().unmodelled();
        long sequence = state.query().sequence();
        // raised by one comparison (the recent mean pools anomaly.recent.windows windows), cleared with hysteresis
        if (unmodelled.observe(score, sigmas, sequence, 1, settings.get(AnomalySettings.MODEL_CLEAR))
                == Latch.Transition.RAISED) {
            String latent = "z_n[" + worst + "]";
            emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.UNMODELLED_DYNAMICS, latent, score,
                    sigmas, unmodelled.firstAboveSequence(), sequence, time, model.version(),
                    "Unmodelled dynamics: neural latent " + latent + " moved from " + num(longRun[worst]) + " ± "
                            + num(Math.sqrt(variance[worst])) + " (long run) to " + num(recent[worst])
                            + " (newest " + recentWindows + " windows), " + num(score) + " standard errors > "
                            + num(sigmas) + " (" + num(trendScore) + " from the long run's trend carried forward)"
                            + "; the physics does not explain a change the neural part took up."),
                    time);
        }
    }

    /**
     * The drive moved to another frequency ({@link ForcingMove}): the unmodelled change named by what moved. The z_p
     * drift comparison holds as after a drift alarm, since a forced pendulum's windows read ω through a forced
     * amplitude that the new frequency changed.
     */
    void forcingMoved(SensorState state, ServingModel model, long time, ForcingMove.Move move) {
        state.checks().holdDrift(PhysicsDriftCheck.holdWindows(forgetting));
        emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.UNMODELLED_DYNAMICS, "forcing_hz",
                move.newSigmas(), ForcingMove.NEW_SIGMAS, move.sequence() - move.windowLength() + 1,
                move.sequence(), time, model.version(),
                "Unmodelled dynamics: the drive moved from " + num(move.fromHz()) + " Hz to " + num(move.toHz())
                        + " Hz (this window's sinusoid at the new frequency stands " + num(move.newSigmas())
                        + " standard errors clear, the old one " + num(move.oldSigmas())
                        + "); the physics does not model the drive."), time);
    }

    /**
     * A window's noise floor of the free swing ({@link io.hybridcast.model.fusion.FreeSwing}) is about 0.245 of its
     * noise std (a cubic fitted to 50 samples of noise keeps sqrt(3 / 50) of it); a swing under 4 floors is noise.
     * The noise std is the forced amplitude's residual one (its standard error is s sqrt(2 / n)); without a
     * forcing, the floor is 0.005 rad.
     */
    static final double CLEAR_FLOORS = 4;
    /**
     * A swing that kept this fraction of its size over {@value #PLATEAU_WINDOWS} windows no longer decays: the
     * start-up's free swing at the example's damping 0.13 keeps 0.53 of it over 10 s; a hard-driven pendulum's swing
     * stops at the forcing's leak into the cubic (SimulatedChangesTopologyTest's at about 0.033 rad, 13 noise
     * floors), and keeps about 1.
     */
    static final double PLATEAU_FRACTION = 0.8;
    static final int PLATEAU_WINDOWS = 4;

    static double swingFloor(SensorPhysics.WindowEstimate w, int windowLength) {
        double noise = w.forcedStd() * Math.sqrt(windowLength / 2.0);
        return noise > 0 && Double.isFinite(noise) ? Math.max(0.001, 0.245 * noise) : 0.005;
    }

    /**
     * The size of a window's free swing that the settling judges: its phase-free amplitude where measured, else (a
     * window stored before it was) the cubic's std. Why: a slow pendulum's window holds half a period or less, and
     * the cubic's std rises and falls with the phase it catches, so a swing still losing a tenth of its size per
     * window could look as if it had stopped decaying (docs/decisions.md, "A slow pendulum's swing settles by its
     * phase-free size").
     */
    static double size(SensorPhysics.WindowEstimate w) {
        return Double.isFinite(w.amplitude()) ? w.amplitude() : w.swing();
    }

    /**
     * The end of the free swing's settling after the newest operating event: the window before the first two
     * settled ones in a row (in the noise, or no longer decaying); -1 when the first windows after the event were
     * settled; the newest window while it still settles. A swing that a later change excites is not settling: the
     * long run before that change is the reference the change is judged against.
     */
    static long settling(SensorPhysics physics, int windowLength) {
        java.util.List<SensorPhysics.WindowEstimate> after = new java.util.ArrayList<>();
        for (SensorPhysics.WindowEstimate w : physics.windowEstimates()) {
            if (w.sequence() - windowLength + 1 > physics.lastEventSequence() && Double.isFinite(w.swing())) {
                after.add(w);
            }
        }
        int settled = 0;
        for (int i = 0; i < after.size(); i++) {
            SensorPhysics.WindowEstimate w = after.get(i);
            boolean noise = size(w) < CLEAR_FLOORS * swingFloor(w, windowLength);
            boolean plateau = i >= PLATEAU_WINDOWS
                    && size(w) >= PLATEAU_FRACTION * size(after.get(i - PLATEAU_WINDOWS));
            settled = noise || plateau ? settled + 1 : 0;
            if (settled == 2) {
                return i >= 2 ? after.get(i - 2).sequence() : -1;
            }
        }
        return after.isEmpty() ? -1 : after.get(after.size() - 1).sequence();
    }
}
