package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.streams.inference.ServingModel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which start-up windows a sensor's first forecast infers too, and the context each is pooled over. */
class WarmUpWindowsTest {

    /** K = 3 windows of 50 samples, the newest the first query; embeddings 1, 10, 100 under version 1. */
    static ContextSet contexts() {
        ContextSet c = new ContextSet();
        double[] values = {1, 10, 100};
        for (int w = 0; w < 3; w++) {
            ContextSet.Window window = new ContextSet.Window(50L * w, new double[50][1]);
            window.embedding = new double[]{values[w]};
            window.embeddingVersion = 1;
            c.add(window, 4);
        }
        return c;
    }

    @Test
    void theFirstForecastUnderAGateInfersTheOlderWindowsEachPooledOverTheOthers() {
        ContextSet c = contexts();
        List<ContextSet.Window> early = WarmUpWindows.of(c, new SensorPhysics(), 100, true);
        assertThat(early).extracting(w -> w.firstSequence).containsExactly(0L, 50L);
        ServingModel.Query first = WarmUpWindows.query(c, early.get(0), 1, 3);
        assertThat(first.pooledCount()).isEqualTo(2);
        assertThat(first.pooledSum()).containsExactly(110.0);
        ServingModel.Query second = WarmUpWindows.query(c, early.get(1), 1, 3);
        assertThat(second.pooledSum()).containsExactly(101.0);
        // k limits the context to the newest others; another version's embeddings do not count
        assertThat(WarmUpWindows.query(c, early.get(0), 1, 1).pooledSum()).containsExactly(100.0);
        assertThat(WarmUpWindows.query(c, early.get(0), 2, 3).pooledCount()).isZero();
    }

    @Test
    void nothingWithoutAGateOrOnceTheSensorHasAWindow() {
        ContextSet c = contexts();
        assertThat(WarmUpWindows.of(c, new SensorPhysics(), 100, false)).isEmpty();
        SensorPhysics fused = new SensorPhysics();
        fused.add(WindowReading.of(149, 50, 1, List.of("omega"), new double[]{2}, new double[]{0.1},
                new double[]{0}), FusionSettings.of(0.95, 97, IntervalCalibration.NONE));
        assertThat(WarmUpWindows.of(c, fused, 150, true)).isEmpty();
    }
}
