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

    public AppMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.validReadings = Counter.builder("hybridcast.readings").tag("outcome", "valid")
                .description("Readings accepted").register(registry);
        this.batchSize = DistributionSummary.builder("hybridcast.inference.batch.size")
                .description("Sensors per inference batch").publishPercentileHistogram(false).register(registry);
        this.inferenceTime = Timer.builder("hybridcast.inference.time")
                .description("Time of one batched model call").publishPercentiles(0.5, 0.99).register(registry);
        this.forecasts = Counter.builder("hybridcast.forecasts").description("Forecasts emitted").register(registry);
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

    public void inferenceFailure(String system) {
        registry.counter("hybridcast.inference.failures", "system", system).increment();
    }

    public void forecast() {
        forecasts.increment();
    }

    public void anomaly(String kind, String detail) {
        registry.counter("hybridcast.anomalies", "kind", kind, "detail", detail).increment();
    }

    public void modelVersion(String system, String outcome) {
        registry.counter("hybridcast.model.versions", "system", system, "outcome", outcome).increment();
    }

    public double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }
}
