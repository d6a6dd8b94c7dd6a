package io.hybridcast.simulator.fleet;

/** Counts truth records on their way to the real sink (readings are counted by the loop). */
final class CountingSink implements FleetSink {
    private final FleetSink target;
    private final FleetStats stats;

    CountingSink(FleetSink target, FleetStats stats) {
        this.target = target;
        this.stats = stats;
        target.bind(stats);
    }

    @Override
    public void reading(io.hybridcast.avro.SensorReading reading) {
        target.reading(reading);
    }

    @Override
    public void truth(io.hybridcast.avro.SensorTruth truth) {
        stats.truthsPublished.increment();
        target.truth(truth);
    }

    @Override
    public void sendPending() {
        target.sendPending();
    }

    @Override
    public void poll() {
        target.poll();
    }

    @Override
    public void flush() {
        target.flush();
    }

    @Override
    public void close() {
        target.close();
    }
}
