package io.hybridcast.trainer.service;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A trainer that is closing (its thread interrupted, or its training stopped) ends the run in progress instead of
 * finishing it.
 */
class CandidateTrainingStopTest {

    private static final int WINDOW = 50;

    private static TaskWindows windows() {
        int n = 8;
        double[][][] w = new double[n][WINDOW][1];
        int[] tasks = new int[n];
        long[] starts = new long[n];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks[i] = i / 4;
            starts[i] = 10L * i;
            for (int t = 0; t < WINDOW; t++) {
                w[i][t][0] = 0.5 * Math.sin(2.0 * 0.05 * (t + 10 * i));
            }
        }
        ids.add("a");
        ids.add("b");
        return new TaskWindows(w, tasks, starts, ids);
    }

    /** How a run is asked to stop before it starts. */
    enum Stop { NONE, INTERRUPT, FLAG }

    private static int stepsRun(Stop stop) throws Exception {
        TrainerSettings settings = TrainerSettings.builder().setBootstrapServers("127.0.0.1:9")
                .setSystem(SystemKind.PENDULUM).setHmacKey("k").optMaxReadingsPerPartition(1000)
                .optWindows(WINDOW, 10, 10).optContextSize(2).optEpochs(1, 6)
                .optPromotion(TrainerSettings.Promotion.ALWAYS).build();
        AtomicInteger reports = new AtomicInteger();
        CandidateTraining training = new CandidateTraining(settings, ContinuationSettings.OFF,
                permille -> reports.incrementAndGet());
        if (stop == Stop.FLAG) {
            training.stop(); // from another thread, as TrainerService.close() does
        }
        Thread runner = new Thread(() -> {
            if (stop == Stop.INTERRUPT) {
                Thread.currentThread().interrupt();
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                training.train(Optional.empty(), windows(), 1, manager);
            }
        });
        runner.start();
        runner.join();
        return reports.get();
    }

    @Test
    void anInterruptedRunStopsAfterItsFirstJointStep() throws Exception {
        // a first model: the physics warm-up (a few seconds, not interruptible), then 6 epochs of one batch
        int full = stepsRun(Stop.NONE);
        int interrupted = stepsRun(Stop.INTERRUPT);
        assertThat(full - interrupted).as("joint steps left out by the interrupted run").isEqualTo(6 - 1);
    }

    @Test
    void aStoppedTrainingEndsItsRunWithoutAnInterrupt() throws Exception {
        int full = stepsRun(Stop.NONE);
        int stopped = stepsRun(Stop.FLAG);
        assertThat(full - stopped).as("joint steps left out by the stopped run").isEqualTo(6 - 1);
    }
}
