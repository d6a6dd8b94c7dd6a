package io.hybridcast.streams.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a sensor's fused windows out of its sensor-physics store value, for replays that measure a detector's
 * signal window by window: {sequence, forced amplitude, its std, faulty (1/0), z_p mean, z_p std}.
 */
public final class PhysicsWindowsDump {

    private PhysicsWindowsDump() {
    }

    public static List<double[]> rows(Object physics) {
        List<double[]> out = new ArrayList<>();
        for (SensorPhysics.WindowEstimate w : ((SensorPhysics) physics).windowEstimates()) {
            out.add(new double[]{w.sequence(), w.forced(), w.forcedStd(), w.faulty() ? 1 : 0,
                    w.mean().length > 0 ? w.mean()[0] : Double.NaN, w.std().length > 0 ? w.std()[0] : Double.NaN});
        }
        return out;
    }
}
