package io.hybridcast.model.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Scalar constants as NDArrays that live as long as their model.
 *
 * <p>Why: in DJL 0.35.1 the {@code Number} overloads ({@code x.mul(0.5f)}, {@code add}, {@code sub},
 * {@code div}, {@code pow}) free their temporary scalar tensor right after the op while autograd still holds
 * it, which silently corrupts gradients once the GC runs (STACK.md 1.5). Every scalar that enters a graph is
 * therefore one of these long-lived arrays. Use them as the <em>second</em> operand so that results attach
 * to the per-step manager of the first one and are freed with it.
 */
public final class Constants {

    private final NDManager manager;
    private final Map<Float, NDArray> scalars = new HashMap<>();

    public Constants(NDManager manager) {
        this.manager = manager;
    }

    /** A 0-d float array holding {@code value}, created once. */
    public synchronized NDArray of(double value) {
        return scalars.computeIfAbsent((float) value, v -> manager.create(v));
    }

    /** The manager that owns the constants. */
    public NDManager manager() {
        return manager;
    }
}
