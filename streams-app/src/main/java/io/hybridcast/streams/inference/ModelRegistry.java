package io.hybridcast.streams.inference;

import io.hybridcast.avro.SystemKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model version in service per system, shared by every stream thread of the process. A batch
 * {@link #acquire acquires} the current version once and uses it to the end, so a hot swap takes effect
 * atomically between batches; a replaced version is closed when its last batch releases it.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /** A counted reference to a model in service. */
    private static final class Slot {
        final ServingModel model;
        final AtomicInteger users = new AtomicInteger(1); // 1 = held by the registry itself
        Slot(ServingModel model) {
            this.model = model;
        }
        boolean retain() {
            for (;;) {
                int n = users.get();
                if (n == 0) {
                    return false;
                }
                if (users.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }
        void release() {
            if (users.decrementAndGet() == 0) {
                LOG.info("Closing retired {} model version {}", model.system(), model.version());
                model.close();
            }
        }
    }

    /** A model held for the duration of one batch. */
    public static final class Lease implements AutoCloseable {
        private final Slot slot;
        private boolean closed;
        private Lease(Slot slot) {
            this.slot = slot;
        }
        public ServingModel model() {
            return slot.model;
        }
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                slot.release();
            }
        }
    }

    private final Map<SystemKind, AtomicReference<Slot>> current = new EnumMap<>(SystemKind.class);

    public ModelRegistry() {
        for (SystemKind kind : SystemKind.values()) {
            current.put(kind, new AtomicReference<>());
        }
    }

    /** The model in service for a system, held until the lease is closed; null when there is none. */
    public Lease acquire(SystemKind system) {
        for (;;) {
            Slot slot = current.get(system).get();
            if (slot == null) {
                return null;
            }
            if (slot.retain()) {
                return new Lease(slot);
            }
            // lost a race with a swap that retired this slot: read the new one
        }
    }

    /** Version in service for a system, or -1. */
    public long version(SystemKind system) {
        Slot slot = current.get(system).get();
        return slot == null ? -1 : slot.model.version();
    }

    /** Algorithm in service for a system, or null. */
    public String algorithm(SystemKind system) {
        Slot slot = current.get(system).get();
        return slot == null ? null : slot.model.algorithm();
    }

    /** Puts a verified model in service; the one it replaces is closed once its batches finish. */
    public void swap(ServingModel model) {
        Slot previous = current.get(model.system()).getAndSet(new Slot(model));
        LOG.info("Model version {} ({}) now serves {}{}", model.version(), model.algorithm(), model.system(),
                previous == null ? "" : " (replacing version " + previous.model.version() + ")");
        if (previous != null) {
            previous.release();
        }
    }

    @Override
    public void close() {
        current.values().forEach(ref -> {
            Slot slot = ref.getAndSet(null);
            if (slot != null) {
                slot.release();
            }
        });
    }
}
