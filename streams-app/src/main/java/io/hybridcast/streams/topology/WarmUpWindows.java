package io.hybridcast.streams.topology;

import io.hybridcast.streams.inference.ServingModel;

import java.util.ArrayList;
import java.util.List;

/**
 * The windows a sensor's first forecast comes too late for: a sensor is forecast only once it has K context
 * windows, so its first K − 1 windows (the start-up) were never a query, and their posteriors never reached the
 * sensor-level physics. A pendulum's start-up swing is what reveals ω, and a damped one has settled by then: on the
 * random run the four pendulums with γ 0.54-0.74 had free swings of 0.22-0.63, 0.13-0.22, 0.05-0.08, 0.03-0.05 rad in
 * their first four windows and 0.010-0.019 rad (under the 0.02 rad reveal gate) in the first query, so they were
 * published in the unrevealed tier for the whole run, 13-36 % off (docs/decisions.md). At a sensor's first forecast
 * these windows are inferred too, each as a query pooled over the other context windows, and fused before it.
 */
final class WarmUpWindows {

    private WarmUpWindows() {
    }

    /**
     * The context windows older than the query starting at {@code queryFirstSequence}, oldest first, when
     * {@code physics} holds no window yet (the sensor's first forecast) and the serving version has a reveal gate
     * ({@code gated}: some windows reveal the parameter and are published apart, so the start-up's are worth an
     * inference call); else none.
     */
    static List<ContextSet.Window> of(ContextSet contexts, SensorPhysics physics, long queryFirstSequence,
                                      boolean gated) {
        List<ContextSet.Window> out = new ArrayList<>();
        if (!gated || physics.windows() > 0) {
            return out;
        }
        for (ContextSet.Window w : contexts.windows) {
            if (w.firstSequence < queryFirstSequence) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * {@code window} as a query whose context is the sum of the embeddings (under {@code modelVersion}) of the
     * newest {@code k} other windows of {@code contexts}.
     */
    static ServingModel.Query query(ContextSet contexts, ContextSet.Window window, long modelVersion, int k) {
        ContextSet.Pooled pooled = contexts.pooled(modelVersion, k, w -> w == window);
        // only its physics posterior is fused: its forecast is never published, so no band
        return new ServingModel.Query(window.samples, pooled.sum(), pooled.count(), false);
    }
}
