package io.hybridcast.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The streams app's own metrics, on a Micrometer registry (Prometheus in the service, a simple registry in
 * tests). Kafka Streams' metrics (lag, rates) are bound separately by the service.
 */
public final class AppMetrics {

    private final MeterRegistry registry;
    private final Counter validReadings;
    private final DistributionSummary batchSize;
    private final Timer inferenceTime;
    private final Counter forecasts;
    private final Counter windowsWithBand;
    private final Counter windowsWithoutBand;
    private final Timer forecastDelay;
    /** Per system; the processors of all stream threads share one AppMetrics. */
    private final java.util.concurrent.ConcurrentMap<String, ScoreMeters> scoreMeters =
            new java.util.concurrent.ConcurrentHashMap<>();

    public AppMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.validReadings = Counter.builder("hybridcast.readings").tag("outcome", "valid")
                .description("Readings accepted").register(registry);
        this.batchSize = DistributionSummary.builder("hybridcast.inference.batch.size")
                .description("Sensors per inference batch").publishPercentileHistogram(false).register(registry);
        this.inferenceTime = Timer.builder("hybridcast.inference.time")
                .description("Time of one batched model call").publishPercentiles(0.5, 0.99).register(registry);
        this.forecasts = Counter.builder("hybridcast.forecasts").description("Forecasts emitted").register(registry);
        this.windowsWithBand = Counter.builder("hybridcast.inference.windows").tag("band", "model")
                .description("Query windows decoded with the model's forecast band (forecast.model.band)")
                .register(registry);
        this.windowsWithoutBand = Counter.builder("hybridcast.inference.windows").tag("band", "calibrated")
                .description("Query windows decoded from the posterior mean alone: the sensor's own errors set the band")
                .register(registry);
        this.forecastDelay = Timer.builder("hybridcast.forecast.delay")
                .description("From the reading that makes a sensor due to its forecast's emission, on this instance "
                        + "(waiting for a batch and the model call; the commit that makes it visible comes after)")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Metrics on a throwaway in-memory registry. */
    public static AppMetrics inMemory() {
        return new AppMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void validReading() {
        validReadings.increment();
    }

    public void deadLetter(String stage) {
        registry.counter("hybridcast.dead.letters", "stage", stage).increment();
    }

    public void batch(int size, long nanos) {
        batchSize.record(size);
        inferenceTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A batch's query windows: how many needed the model's band and how many did not. */
    public void inferenceWindows(int withBand, int withoutBand) {
        windowsWithBand.increment(withBand);
        windowsWithoutBand.increment(withoutBand);
    }

    /** A forecast was emitted {@code nanos} after its sensor became due. */
    public void forecastDelay(long nanos) {
        forecastDelay.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void inferenceFailure(String system) {
        registry.counter("hybridcast.inference.failures", "system", system).increment();
    }

    public void forecast() {
        forecasts.increment();
    }

    public void anomaly(String kind, String detail) {
        registry.counter("hybridcast.anomalies", "kind", kind, "detail", detail).increment();
    }

    /**
     * One actual scored against a forecast step: squared errors (channel mean) of the forecast mean and of
     * persistence, and whether it fell inside the 95 % band; per system, with the live skill
     * 1 - MSE / MSE_persistence and the band coverage as gauges (hybridcast.forecast.skill, .band.coverage).
     */
    public void forecastScored(String system, double[] x, double[] mean, double[] lower, double[] upper,
                               double[] last) {
        double model = 0;
        double persistence = 0;
        boolean inside = true;
        for (int c = 0; c < x.length; c++) {
            model += (x[c] - mean[c]) * (x[c] - mean[c]) / x.length;
            persistence += (x[c] - last[c]) * (x[c] - last[c]) / x.length;
            inside &= x[c] >= lower[c] && x[c] <= upper[c];
        }
        ScoreMeters meters = scoreMeters.computeIfAbsent(system, this::scoreMeters);
        meters.scored.increment();
        meters.modelError.increment(model);
        meters.persistenceError.increment(persistence);
        if (inside) {
            meters.inBand.increment();
        }
    }

    /** The meters of {@link #forecastScored} for one system. */
    private record ScoreMeters(Counter scored, Counter modelError, Counter persistenceError, Counter inBand) {
    }

    /**
     * Registers the score meters and gauges of {@code system} once: looking them up on every scored actual (four
     * meter-id lookups and a scan of the registry for the gauge) cost about as much as the rest of the scoring.
     */
    private ScoreMeters scoreMeters(String system) {
        Counter scored = registry.counter("hybridcast.forecast.scored", "system", system);
        Counter modelError = registry.counter("hybridcast.forecast.squared.error", "system", system,
                "forecast", "model");
        Counter persistenceError = registry.counter("hybridcast.forecast.squared.error", "system", system,
                "forecast", "persistence");
        Counter inBand = registry.counter("hybridcast.forecast.in.band", "system", system);
        if (registry.find("hybridcast.forecast.skill").tags("system", system).gauge() == null) {
            io.micrometer.core.instrument.Gauge.builder("hybridcast.forecast.skill",
                            () -> persistenceError.count() == 0 ? Double.NaN
                                    : 1 - modelError.count() / persistenceError.count())
                    .tag("system", system).description("Live forecast skill against persistence, 1 - MSE / MSE_persistence")
                    .register(registry);
            io.micrometer.core.instrument.Gauge.builder("hybridcast.forecast.band.coverage",
                            () -> scored.count() == 0 ? Double.NaN : inBand.count() / scored.count())
                    .tag("system", system).description("Share of actuals inside the forecast's 95 % band")
                    .register(registry);
        }
        return new ScoreMeters(scored, modelError, persistenceError, inBand);
    }

    public void modelVersion(String system, String outcome) {
        registry.counter("hybridcast.model.versions", "system", system, "outcome", outcome).increment();
    }

    public double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }
}
