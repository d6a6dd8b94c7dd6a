package io.hybridcast.streams.config;

/**
 * The streams app's alarm settings: the model-free sensor-fault detectors, the model-based anomaly checks and the
 * sensor-level physics whose recent and long-run posteriors the drift and unmodelled checks compare. Declared here,
 * loaded, layered and validated with every other setting by {@link StreamsSettings}.
 */
public final class AnomalySettings {

    private AnomalySettings() {
    }

    // ---- model-free sensor faults ----
    public static final Setting<Integer> STUCK_SAMPLES = new Setting<>("fault.stuck.samples",
            "A sensor is stuck when this many consecutive readings are identical (within fault.stuck.tolerance).",
            "20", Setting.intBetween(2, 100_000), false);
    public static final Setting<Double> STUCK_TOLERANCE = new Setting<>("fault.stuck.tolerance",
            "Largest change between two readings that still counts as identical, in the reading's unit.",
            "1e-12", Setting.doubleBetween(0, 1e6), false);
    public static final Setting<Double> SPIKE_THRESHOLD = new Setting<>("fault.spike.threshold",
            "Spike score above which a reading is a spike: its jump from a linear extrapolation of the two "
                    + "previous readings, in units of the sensor's typical such jump.", "12",
            Setting.doubleBetween(1, 1e6), false);
    public static final Setting<Integer> DROPOUT_MIN_MISSING = new Setting<>("fault.dropout.min.missing",
            "A sequence gap of at least this many missing samples is a dropout.", "1",
            Setting.intBetween(1, 1_000_000), false);
    public static final Setting<Integer> SILENCE_SAMPLES = new Setting<>("fault.silence.samples",
            "A sensor is flagged silent (a dropout as it happens) once its partition's other sensors have streamed "
                    + "for this many of its sample intervals since its last reading; 0: only the gap is flagged, when "
                    + "the sensor returns.", "10", Setting.intBetween(0, 1_000_000), false);
    public static final Setting<Double> NOISE_ARL_SAMPLES = new Setting<>("fault.noise.arl.samples",
            "Noise burst: the average run length, in samples, between false alarms of the sequential test on the "
                    + "sensor's one-step prediction errors; its threshold is derived from it and the sensor's own "
                    + "errors. 720000 = one per 10 sensor-hours at 20 Hz (a tenth of the alarm budget).", "720000",
            Setting.doubleBetween(10, 1e12), false);
    public static final Setting<Integer> FAULT_CLEAR_SAMPLES = new Setting<>("fault.clear.samples",
            "Hysteresis: a raised sensor fault clears after this many consecutive healthy readings.", "20",
            Setting.intBetween(1, 1_000_000), false);

    // ---- model-based anomalies ----
    public static final Setting<Double> DEVIATION_THRESHOLD = new Setting<>("anomaly.deviation.threshold",
            "Forecast deviation with the per-sensor calibration off (forecast.calibration.warmup=0): score threshold, "
                    + "RMS over channels of (actual - forecast mean) / (band half-width / 1.96).",
            "3.0", Setting.doubleBetween(0.1, 1e6), false);
    public static final Setting<Integer> DEVIATION_RAISE = new Setting<>("anomaly.deviation.raise.samples",
            "Consecutive readings above the deviation threshold before a forecast deviation is flagged.", "3",
            Setting.intBetween(1, 100_000), false);
    public static final Setting<Integer> DEVIATION_CLEAR = new Setting<>("anomaly.deviation.clear.samples",
            "Hysteresis: consecutive readings back under the threshold before the flag clears (a level shift "
                    + "alerts once, not forever).", "10", Setting.intBetween(1, 100_000), false);
    public static final Setting<Integer> DEVIATION_CALIBRATION = new Setting<>(
            "anomaly.deviation.calibration.samples",
            "Forecast deviation: samples of a model version that measure how far a sensor's actuals usually fall "
                    + "from its forecasts (in band units); after them the score is divided by that RMS (at least 1), "
                    + "so a band too narrow for the sensor is widened instead of alerting every few seconds. "
                    + "0 turns the calibration off.", "200", Setting.intBetween(0, 10_000_000), false);
    public static final Setting<Double> DEVIATION_ARL_SAMPLES = new Setting<>("anomaly.deviation.arl.samples",
            "Forecast deviation with the per-sensor calibration on: the average run length, in samples, between "
                    + "false alarms the sequential test (a CUSUM on the sensor's calibrated residuals) is set for; "
                    + "its threshold is derived from it and the sensor's own residuals. 72000 = one alarm per "
                    + "sensor-hour at 20 Hz. (The threshold, raise and clear settings apply with the calibration off.)",
            "72000", Setting.doubleBetween(10, 1e12), false);
    public static final Setting<Double> DRIFT_THRESHOLD = new Setting<>("anomaly.drift.threshold",
            "Physics drift z-score threshold: |posterior mean - context prior mean| / sqrt(var_post + var_prior).",
            "4.0", Setting.doubleBetween(0.1, 1e6), false);
    public static final Setting<Double> DRIFT_FORCED_THRESHOLD = new Setting<>("anomaly.drift.forced.threshold",
            "Physics drift of a driven pendulum from its forced amplitude (which moves with omega squared): the "
                    + "threshold of the two-sample test for a changed mean amplitude (largest z over the change "
                    + "points). 5 = about 0.01 false alarms per sensor-hour with independent Gaussian window errors.",
            "5.0", Setting.doubleBetween(1, 1e6), false);
    public static final Setting<Double> UNMODELLED_SIGMAS = new Setting<>("anomaly.unmodelled.sigmas",
            "Unmodelled dynamics: the growth must also exceed this many standard deviations of the sensor's "
                    + "usual window-to-window fluctuation of the share.", "4.0", Setting.doubleBetween(0, 1e3), false);
    public static final Setting<Integer> UNMODELLED_WARMUP = new Setting<>("anomaly.unmodelled.warmup.windows",
            "Unmodelled dynamics: disjoint windows (under the serving model version, since the last operating "
                    + "event) the latents' long run needs before a shift can be flagged. The long-run scatter is the "
                    + "yardstick of a shift; from a handful of windows, some still in a start-up transient, it is "
                    + "too small and every settling latent looks like a change.", "12",
            Setting.intBetween(1, 1000), false);
    public static final Setting<Double> UNMODELLED_TRANSPORT_THRESHOLD = new Setting<>(
            "anomaly.unmodelled.transport.threshold",
            "Unmodelled dynamics of the advection-diffusion line: the threshold of the two-sample test for a changed "
                    + "mean of its windows' transport velocity (u_t = D u_xx + c u_x fitted per window; largest z "
                    + "over the change points). 5: no fault-free simulated line-hour (6 hours, 3600 looks each) "
                    + "exceeded 2.6.", "5.0", Setting.doubleBetween(1, 1e6), false);
    public static final Setting<Double> UNMODELLED_DECAY_THRESHOLD = new Setting<>(
            "anomaly.unmodelled.decay.threshold",
            "Unmodelled dynamics of a pendulum: the threshold of the test of its free swing's decay (the newest two "
                    + "windows' amplitude at ω against the log-linear decay of the four before them; a damping "
                    + "change). 4.5: on simulated fleets (example, random, fault-free; 128 looks) no unchanged swing "
                    + "exceeded 3.0, the example's damping change reached 6.0.", "4.5",
            Setting.doubleBetween(1, 1e6), false);
    public static final Setting<Double> UNMODELLED_TRANSPORT_MIN_CHANGE = new Setting<>(
            "anomaly.unmodelled.transport.min.change",
            "Unmodelled dynamics of the line: the smallest change of the transport velocity, as a fraction of the "
                    + "reference's, that can be flagged (0.1 = 10 %); a step of D moves the velocity read by up to "
                    + "4 %, and that is physics drift's to flag.", "0.1", Setting.doubleBetween(0, 10), false);
    public static final Setting<Integer> FORECAST_CALIBRATION_WARMUP = new Setting<>(
            "forecast.calibration.warmup",
            "Actuals a horizon step of a sensor's forecasts needs before its own errors set the published mean "
                    + "(minimum-variance blend of model and persistence) and the conformal 95 % band; before, the "
                    + "model's own are published and forecast deviation is not judged. 0 turns the calibration off (the "
                    + "model's own forecast is published and judged at once).", "30",
            Setting.intBetween(0, 1_000_000), false);
    public static final Setting<Double> FORECAST_CALIBRATION_ALPHA = new Setting<>("forecast.calibration.alpha",
            "Weight of the newest actual in a sensor's running forecast-error moments per horizon step (about "
                    + "1 / alpha actuals of memory), so the calibration follows a changed sensor or model.", "0.02",
            Setting.doubleBetween(1e-6, 1), false);
    public static final Setting<Integer> MODEL_RAISE = new Setting<>("anomaly.model.raise.forecasts",
            "Consecutive forecasts above threshold before a physics-drift or unmodelled-dynamics flag.", "2",
            Setting.intBetween(1, 100_000), false);
    public static final Setting<Integer> MODEL_CLEAR = new Setting<>("anomaly.model.clear.forecasts",
            "Hysteresis: consecutive forecasts back under threshold before such a flag clears.", "3",
            Setting.intBetween(1, 100_000), false);

    // ---- sensor-level physics and the alerts that compare its recent and long-run posteriors ----
    public static final Setting<Double> PHYSICS_FORGETTING = new Setting<>("physics.forgetting",
            "Sensor-level physics: weight factor per newer disjoint window in the random-effects fusion of a "
                    + "sensor's window posteriors of z_p (1 = never forget; 0.95 = a window counts half after about "
                    + "14 newer ones), so the estimate follows a drift.", "0.95", Setting.doubleBetween(0.5, 1), false);
    public static final Setting<Double> PHYSICS_REVEALED_WALK = new Setting<>("physics.revealed.walk",
            "Sensor-level physics with a reveal gate (the pendulum): relative std per square root of a minute of the "
                    + "random walk the parameter may make between windows that reveal it, so a revealed estimate's "
                    + "interval widens with the age of its newest revealing window (0 = never). 0.106: a 15 % move "
                    + "within two minutes is one standard deviation.", "0.106", Setting.doubleBetween(0, 10), false);
    public static final Setting<Integer> RECENT_WINDOWS = new Setting<>("anomaly.recent.windows",
            "Physics drift and unmodelled dynamics compare the posterior of a sensor's newest this many disjoint "
                    + "windows (short memory) with the long-run posterior of the windows before them.", "3",
            Setting.intBetween(1, 1000), false);
    public static final Setting<Integer> LONG_RUN_MIN_WINDOWS = new Setting<>("anomaly.longrun.min.windows",
            "Disjoint windows the long-run posterior needs (under the serving model version, for the latents) "
                    + "before physics drift or unmodelled dynamics can be flagged.", "4",
            Setting.intBetween(1, 1000), false);
    public static final Setting<Double> DRIFT_MIN_RELATIVE_CHANGE = new Setting<>(
            "anomaly.drift.min.relative.change",
            "Physics drift: the recent estimate must also differ from the long-run one by this fraction of it "
                    + "(0.05 = 5 %), so a narrow interval does not turn a meaningless change into an alert.", "0.05",
            Setting.doubleBetween(0, 10), false);
    public static final Setting<Double> UNMODELLED_MIN_SHIFT = new Setting<>("anomaly.unmodelled.min.shift",
            "Unmodelled dynamics: the smallest shift of a neural latent's recent mean from its long-run mean "
                    + "(latent units; the latents' prior is a standard normal) that can be flagged; the shift must "
                    + "also exceed anomaly.unmodelled.sigmas of the long-run scatter.", "0.5",
            Setting.doubleBetween(0, 1e3), false);
}
