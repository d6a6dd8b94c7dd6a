package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HopPhaseTest {

    @Test
    void alignedSensorsAreDueAtTheSameSamples() {
        HopPhase aligned = new HopPhase("aligned");
        for (String id : new String[]{"a", "bench-7", "pendulum-3"}) {
            assertThat(IntStream.range(0, 80).filter(c -> aligned.dueAt(id, c, 50, 10)))
                    .containsExactly(50, 60, 70);
        }
    }

    @Test
    void staggeredSensorsKeepTheirHopButAtTheirOwnOffset() {
        HopPhase staggered = new HopPhase("staggered");
        for (String id : new String[]{"a", "bench-7", "pendulum-3"}) {
            int offset = staggered.offset(id, 10);
            assertThat(offset).isBetween(0, 9).isEqualTo(Math.floorMod(id.hashCode(), 10));
            assertThat(IntStream.range(0, 80).filter(c -> staggered.dueAt(id, c, 50, 10)))
                    .containsExactly(50 + offset, 60 + offset, 70 + offset);
        }
    }

    @Test
    void aFleetSamplingInStepSpreadsOverTheHop() {
        // the benchmark's 200 sensors, which sample in step: aligned, all are due in one sample period of ten
        HopPhase staggered = new HopPhase("staggered");
        int[] perOffset = new int[10];
        for (int i = 0; i < 200; i++) {
            perOffset[staggered.offset("bench-" + i, 10)]++;
        }
        assertThat(IntStream.of(perOffset).boxed()).allSatisfy(n -> assertThat(n).isBetween(10, 30));
    }

    @Test
    void aHopOfOneIsEverySample() {
        HopPhase staggered = new HopPhase("staggered");
        assertThat(IntStream.range(0, 53).filter(c -> staggered.dueAt("x", c, 50, 1))).containsExactly(50, 51, 52);
    }

    @Test
    void anUnknownModeIsRefusedByName() {
        assertThatThrownBy(() -> new HopPhase("random")).hasMessageContaining("forecast.phase")
                .hasMessageContaining("random");
    }
}
