package io.hybridcast.streams.benchmark;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.inference.ServingModel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A served model that adds up the CPU time of the calling thread spent in its calls: with the stream thread's own
 * CPU time it splits the forecaster's cost into the model calls and everything else, a split that waiting for a
 * core on a busy shared machine does not blur (wall times do).
 */
final class CpuTimedModel implements ServingModel {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final ServingModel real;
    private final AtomicLong cpuNanos = new AtomicLong();

    CpuTimedModel(ServingModel real) {
        this.real = real;
    }

    /** CPU nanoseconds spent in embed and predict so far, over all threads. */
    long cpuNanos() {
        return cpuNanos.get();
    }

    ServingModel real() {
        return real;
    }

    @Override public SystemKind system() { return real.system(); }
    @Override public long version() { return real.version(); }
    @Override public String algorithm() { return real.algorithm(); }
    @Override public List<String> physicsNames() { return real.physicsNames(); }
    @Override public int windowLength() { return real.windowLength(); }
    @Override public int maxHorizon() { return real.maxHorizon(); }

    @Override
    public double[][] embed(double[][][] windows) {
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            return real.embed(windows);
        } finally {
            cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - start);
        }
    }

    @Override
    public List<Prediction> predict(List<Query> queries, int horizon) {
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            return real.predict(queries, horizon);
        } finally {
            cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - start);
        }
    }

    @Override
    public void close() {
        real.close();
    }
}
