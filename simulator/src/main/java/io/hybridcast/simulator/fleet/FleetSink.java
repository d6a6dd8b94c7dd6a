package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;

/**
 * Where a fleet's records go. {@link KafkaFleetSink} publishes to Kafka; tests may collect in memory.
 * Called from the simulation thread only; {@link #reading} may block to apply back-pressure.
 */
public interface FleetSink extends AutoCloseable {

    /** Called once before the first record with the counters the sink should update (acks, bytes, retries). */
    default void bind(FleetStats stats) {
    }

    /** Publishes one sample. */
    void reading(SensorReading reading);

    /** Publishes one ground-truth record; implementations must not drop it (retry until delivered). */
    void truth(SensorTruth truth);

    /**
     * Hands over whatever the calling thread has buffered (a sink may collect a few readings per thread and send them
     * together). The fleet calls it after every reading when paced, and when a simulation thread ends.
     */
    default void sendPending() {
    }

    /** Gives the sink a chance to do housekeeping (e.g. resend failed truth); called often, must be cheap. */
    default void poll() {
    }

    /** Blocks until everything handed over so far is delivered (or has failed for good, which is logged). */
    void flush();

    @Override
    void close();
}
