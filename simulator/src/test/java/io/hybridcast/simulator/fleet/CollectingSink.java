package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;

import java.util.ArrayList;
import java.util.List;

/** Keeps what a fleet publishes, for tests of the simulation logic apart from Kafka. */
final class CollectingSink implements FleetSink {

    final List<SensorReading> readings = new ArrayList<>();
    final List<SensorTruth> truths = new ArrayList<>();
    boolean closed;

    @Override
    public synchronized void reading(SensorReading reading) {
        readings.add(reading);
    }

    @Override
    public synchronized void truth(SensorTruth truth) {
        truths.add(truth);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        closed = true;
    }

    synchronized List<SensorReading> readingsOf(String sensor) {
        return readings.stream().filter(r -> r.getSensorId().equals(sensor)).toList();
    }

    synchronized List<SensorTruth> truthsOf(String sensor) {
        return truths.stream().filter(t -> t.getSensorId().equals(sensor)).toList();
    }
}
