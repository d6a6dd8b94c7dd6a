package io.hybridcast.trainer.service;

import io.hybridcast.trainer.basemodel.LiveWindows;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A warm-started run trains on the live windows together with the replayed population's. */
class CandidateTrainingTest {

    @Test
    void theReplayFollowsTheLiveWindowsWithItsOwnTasksAndKnownPhysics() {
        double[][][] live = new double[3][4][1];
        TaskWindows liveWindows = new TaskWindows(live, new int[] {0, 1, 1}, new long[] {0, 0, 10}, List.of("a", "b"));
        double[][][] replayed = new double[2][4][1];
        LiveWindows.Training replay = new LiveWindows.Training(replayed, new int[] {0, 1}, new double[] {1.5, 2.5});

        CandidateTraining.Mix mix = CandidateTraining.Mix.of(liveWindows, replay);

        assertThat(List.of(mix.windows())).containsExactly(live[0], live[1], live[2], replayed[0], replayed[1]);
        // population tasks are numbered after the live sensors, so no context mixes a live and a simulated sensor
        assertThat(mix.taskIds()).containsExactly(0, 1, 1, 2, 3);
        // live z_p is unknown (never read from sensor-truth); the population's is the twin's
        assertThat(mix.targets()).containsExactly(Double.NaN, Double.NaN, Double.NaN, 1.5, 2.5);
    }

    @Test
    void withoutReplayOnlyTheLiveWindowsAreTrained() {
        double[][][] live = new double[2][4][1];
        CandidateTraining.Mix mix = CandidateTraining.Mix.of(new TaskWindows(live, new int[] {0, 0}, new long[] {0, 10},
                List.of("a")), null);
        assertThat(List.of(mix.windows())).containsExactly(live[0], live[1]);
        assertThat(mix.targets()).containsOnly(Double.NaN);
    }
}
