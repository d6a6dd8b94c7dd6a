package io.hybridcast.model.vae;

import java.util.Arrays;

/** A window's values as a map key (equal when every value is): the caches and look-ups by window use it. */
record WindowKey(float[] values) {

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowKey k && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "WindowKey" + values.length;
    }
}
