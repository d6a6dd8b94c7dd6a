package io.hybridcast.streams.testing;

import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;

import java.time.Duration;

/**
 * The live-quality benchmark's random run as the simulator makes it, as fast as possible: pendulums, a line and a
 * double pendulum with 8 random faults drawn over the run's 300 s, from {@link TopologyFixture#T0}.
 */
public final class RandomRun {

    /** Length of the benchmark's random run: the faults are drawn over it. */
    public static final int SECONDS = 300;

    private RandomRun() {
    }

    /** The readings and truth of the first {@code seconds} (at most {@link #SECONDS}) of the run. */
    public static CollectingSink simulate(int pendulums, long seed, int seconds) throws Exception {
        CollectingSink sink = new CollectingSink();
        try (FleetSimulator fleet = FleetSimulator.builder().pendulums(pendulums).advectionDiffusion(1)
                .doublePendulums(1).seed(seed).randomFaults(8).randomFaultsHorizon(Duration.ofSeconds(SECONDS))
                .rate(Rate.AS_FAST_AS_POSSIBLE).maxRecords((pendulums + 2L) * 50 * seconds)
                .startEventTime(TopologyFixture.T0).sink(sink).build()) {
            fleet.start();
            fleet.awaitCompletion(Duration.ofMinutes(5));
        }
        return sink;
    }
}
