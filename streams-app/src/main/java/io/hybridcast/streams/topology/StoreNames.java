package io.hybridcast.streams.topology;

/** Names of the streams app's state stores (all changelogged, all queryable through the HTTP API). */
public final class StoreNames {
    /** {@link SensorState} per sensor id. */
    public static final String SENSOR_STATE = "sensor-state";
    /** {@link ContextSet} per sensor id: the last K windows and the pooled context embedding. */
    public static final String CONTEXT_SETS = "context-sets";
    /**
     * {@link ForecastScoring} per sensor id: the scoring state of its pending forecasts (the name is that of the
     * store that held the forecasts too, before they got records of their own, so an upgrade keeps what it learnt).
     */
    public static final String PENDING_FORECASTS = "pending-forecasts";
    /** {@link PendingForecasts.Entry} per (sensor id, first sequence), {@link SequenceKey}: forecasts awaiting their actuals. */
    public static final String PENDING_ENTRIES = "pending-forecast-entries";
    /** The newest {@code Forecast} per sensor id. */
    public static final String LATEST_FORECASTS = "latest-forecasts";
    /** {@link ZpHistory.Point} per (sensor id, sequence), {@link SequenceKey}: recent physics-parameter estimates. */
    public static final String ZP_HISTORY = "zp-history";
    /** {@link SensorPhysics} per sensor id: fused window posteriors, the sensor-level physics. */
    public static final String SENSOR_PHYSICS = "sensor-physics";
    /** {@link AnomalyHistory} per sensor id: recent anomalies. */
    public static final String ANOMALY_HISTORY = "anomaly-history";

    /** {@link TruthLog} per sensor id: the simulator's ground truth, for live scoring only. */
    public static final String TRUTH = "sensor-truth-log";

    private StoreNames() {
    }
}
