package io.hybridcast.streams.topology;

/** What a user sees about a sensor's forecasts: its status, how many forecasts it got, and from which version. */
public final class ServingStatus {

    private SensorState.Status status = SensorState.Status.WARMING_UP;
    private long forecasts;
    private long modelVersion = -1;

    ServingStatus() {
    }

    ServingStatus(SensorState.Status status, long forecasts, long modelVersion) {
        this.status = status;
        this.forecasts = forecasts;
        this.modelVersion = modelVersion;
    }

    void warmingUp() {
        status = SensorState.Status.WARMING_UP;
    }

    void waitingForModel() {
        status = SensorState.Status.WAITING_FOR_MODEL;
    }

    /** A forecast was published under {@code version}. */
    void forecasted(long version) {
        status = SensorState.Status.FORECASTING;
        forecasts++;
        modelVersion = version;
    }

    public SensorState.Status status() {
        return status;
    }

    public long forecasts() {
        return forecasts;
    }

    /** Version of the newest forecast, -1 before the first. */
    public long modelVersion() {
        return modelVersion;
    }
}
