package io.hybridcast.streams.testing;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.simulator.fleet.FleetSink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects a simulated fleet's records in memory, to feed them to the real topology under a test driver. */
public final class CollectingSink implements FleetSink {

    public final List<SensorReading> readings = Collections.synchronizedList(new ArrayList<>());
    public final List<SensorTruth> truth = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void reading(SensorReading reading) {
        readings.add(reading);
    }

    @Override
    public void truth(SensorTruth t) {
        truth.add(t);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
