package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring of recent samples behaves as the deque it replaced: oldest first, bounded, look-back by subscript. */
class RecentSamplesTest {

    @Test
    void matchesADequeThroughGrowthWrapAroundCapacityChangesAndClears() {
        RecentSamples ring = new RecentSamples();
        Deque<double[]> deque = new ArrayDeque<>();
        Random random = new Random(12);
        for (int step = 0; step < 5000; step++) {
            int op = random.nextInt(100);
            if (op == 0) {
                ring.clear();
                deque.clear();
            } else {
                // mostly one window's capacity, sometimes unbounded (as a stored value is read back) or smaller
                int capacity = op < 5 ? Integer.MAX_VALUE : op < 8 ? 1 + random.nextInt(10) : 50;
                double[] sample = {step, -step};
                ring.add(sample, capacity);
                deque.addLast(sample);
                while (deque.size() > capacity) {
                    deque.removeFirst();
                }
            }
            List<double[]> expected = new ArrayList<>(deque);
            assertThat(ring.size()).isEqualTo(expected.size());
            assertThat(ring.asList()).containsExactlyElementsOf(expected);
            for (int back = 0; back < 8; back++) {
                double[] want = back < expected.size() ? expected.get(expected.size() - 1 - back) : null;
                assertThat(ring.previous(back)).isSameAs(want);
            }
            int n = Math.min(expected.size(), 7);
            double[][] newest = ring.newest(n);
            for (int i = 0; i < n; i++) {
                double[] original = expected.get(expected.size() - n + i);
                assertThat(newest[i]).isEqualTo(original).isNotSameAs(original);
            }
        }
    }
}
