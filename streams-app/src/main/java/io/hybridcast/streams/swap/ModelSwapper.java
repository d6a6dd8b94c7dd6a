package io.hybridcast.streams.swap;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.config.SystemSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.inference.ServingModel;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Receives {@code ModelVersion} chunks in topic order, reassembles each version, verifies it (SHA-256; the
 * HMAC signature over its metadata when a key is configured, else refused unless {@code model.allow.unsigned};
 * a plausible version number; a warm-up inference with finite outputs of the right shape) and puts it in
 * service when it is newer than the version serving its system. A version that fails any step, or whose
 * loading throws anything (even an {@link OutOfMemoryError}), is refused with a log line and a metric, and
 * the version in service keeps serving. Chunks waiting for the rest of their version are bounded
 * ({@link PendingChunks}). Not thread-safe: one consumer thread feeds it.
 */
public final class ModelSwapper {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapper.class);
    /** Incomplete versions held at most at once (a publisher sends one version at a time per system). */
    static final int MAX_PENDING_VERSIONS = 8;
    /** Bytes of incomplete versions held at most at once: two whole versions of the largest size. */
    static final long MAX_PENDING_BYTES = 2 * ModelPayloads.MAX_PAYLOAD_BYTES;

    /** What became of one complete version. */
    public enum Outcome { ACCEPTED, REFUSED, IGNORED_OLDER, INCOMPLETE }

    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final PayloadVerifier verifier;
    private final AppMetrics metrics;
    private final StreamsSettings settings;
    private final PendingChunks partial = new PendingChunks(MAX_PENDING_VERSIONS, MAX_PENDING_BYTES);
    private final Map<SystemKind, String> lastRefusal = new java.util.concurrent.ConcurrentHashMap<>();

    public ModelSwapper(ModelRegistry registry, ModelLoader loader, StreamsSettings settings, AppMetrics metrics) {
        this.registry = registry;
        this.loader = loader;
        this.settings = settings;
        this.verifier = new PayloadVerifier(settings.get(StreamsSettings.MODEL_HMAC_KEY),
                settings.get(StreamsSettings.MODEL_ALLOW_UNSIGNED));
        this.metrics = metrics;
        if (!verifier.requiresSignature()) {
            LOG.warn(settings.get(StreamsSettings.MODEL_ALLOW_UNSIGNED)
                    ? "model.hmac.key is empty and model.allow.unsigned=true: any writer of the model-versions topic "
                    + "can put a model in service"
                    : "model.hmac.key is empty: every model version will be refused (set the trainer's key, or "
                    + "model.allow.unsigned=true)");
        }
    }

    /** Incomplete versions waiting for chunks (for tests and diagnostics). */
    int pendingVersions() {
        return partial.versions();
    }

    /** Bytes of chunks waiting for the rest of their version. */
    long pendingBytes() {
        return partial.bytes();
    }

    /** The reason the newest refused version of a system was refused, or null. */
    public String lastRefusal(SystemKind system) {
        return lastRefusal.get(system);
    }

    /**
     * Feeds one chunk; returns the outcome for its version once the chunk completes it. Never throws: whatever
     * goes wrong with a version (including an {@link Error} such as {@link OutOfMemoryError} while loading it)
     * refuses that version.
     */
    public Outcome accept(ModelVersion chunk) {
        try {
            return acceptChecked(chunk);
        } catch (Throwable e) { // NOPMD: one hostile version must not end the watcher; see the class comment
            LOG.error("Handling {} model version {} failed", chunk.getSystem(), chunk.getVersion(), e);
            return refuse(chunk, "failed while handling it: " + e);
        }
    }

    private Outcome acceptChecked(ModelVersion chunk) {
        if (!settings.servedSystems().contains(chunk.getSystem())) {
            return Outcome.IGNORED_OLDER;
        }
        if (chunk.getVersion() <= registry.version(chunk.getSystem())) {
            return Outcome.IGNORED_OLDER; // e.g. replaying the compacted topic at start-up
        }
        String id = chunk.getSystem() + "/v" + chunk.getVersion();
        PendingChunks.Added added = partial.add(id, chunk);
        for (String evicted : added.evicted()) {
            LOG.warn("Model version {} evicted before it was complete: more than {} incomplete versions or {} bytes "
                    + "of their chunks are waiting", evicted, MAX_PENDING_VERSIONS, MAX_PENDING_BYTES);
            metrics.modelVersion(chunk.getSystem().name(), "evicted");
        }
        if (added.refusal() != null) {
            return refuse(chunk, added.refusal());
        }
        if (added.complete() == null) {
            return Outcome.INCOMPLETE;
        }
        List<ModelVersion> chunks = added.complete();
        ModelVersion header = chunks.get(0);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (ModelVersion c : chunks) {
            ByteBuffer buffer = c.getPayload().duplicate();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            whole.writeBytes(bytes);
        }
        byte[] payload = whole.toByteArray();
        String problem = verifier.verify(header, payload);
        if (problem == null) {
            problem = ModelPayloads.implausibleVersion(header.getVersion(), registry.version(header.getSystem()),
                    verifier.requiresSignature());
        }
        if (problem != null) {
            return refuse(header, problem);
        }
        ServingModel model;
        try {
            model = loader.load(header, payload);
        } catch (Exception | LinkageError e) {
            LOG.debug("Loading failed", e);
            return refuse(header, "cannot load the payload: " + e);
        }
        String warmUp = warmUp(model, header);
        if (warmUp != null) {
            model.close();
            return refuse(header, "warm-up inference failed: " + warmUp);
        }
        registry.swap(model);
        lastRefusal.remove(header.getSystem());
        metrics.modelVersion(header.getSystem().name(), "accepted");
        return Outcome.ACCEPTED;
    }

    /** One inference on a plausible input; returns what is wrong with the result, or null. */
    private String warmUp(ServingModel model, ModelVersion header) {
        try {
            if (model.system() != header.getSystem() || model.version() != header.getVersion()) {
                return "the payload is " + model.system() + " v" + model.version() + ", published as "
                        + header.getSystem() + " v" + header.getVersion();
            }
            SystemSettings windowing = settings.system(header.getSystem());
            if (model.windowLength() != windowing.windowLength()) {
                return "the model reads windows of " + model.windowLength() + " samples, but setting "
                        + header.getSystem().name().toLowerCase(java.util.Locale.ROOT) + ".window.length = "
                        + windowing.windowLength();
            }
            if (model.maxHorizon() < windowing.horizon()) {
                return "the model forecasts at most " + model.maxHorizon() + " steps, but setting "
                        + header.getSystem().name().toLowerCase(java.util.Locale.ROOT) + ".horizon = "
                        + windowing.horizon();
            }
            int channels = SensorSystems.of(header.getSystem()).channels();
            double[][] window = new double[windowing.windowLength()][channels];
            for (int t = 0; t < window.length; t++) {
                for (int c = 0; c < channels; c++) {
                    window[t][c] = 0.5 * Math.sin(0.2 * t + c); // a smooth, in-range signal
                }
            }
            double[][] embedding = model.embed(new double[][][]{window});
            List<ServingModel.Prediction> out = model.predict(
                    List.of(new ServingModel.Query(window, embedding[0], 1)), windowing.horizon());
            if (out.size() != 1) {
                return "expected 1 prediction, got " + out.size();
            }
            ServingModel.Prediction p = out.get(0);
            if (p.mean().length != windowing.horizon() || p.mean()[0].length != channels) {
                return "forecast shape " + p.mean().length + "x" + p.mean()[0].length + ", expected "
                        + windowing.horizon() + "x" + channels;
            }
            for (double[][] m : new double[][][]{p.mean(), p.lower(), p.upper()}) {
                for (double[] row : m) {
                    for (double v : row) {
                        if (!Double.isFinite(v)) {
                            return "non-finite forecast value " + v;
                        }
                    }
                }
            }
            for (double v : p.zpMean()) {
                if (!Double.isFinite(v)) {
                    return "non-finite z_p estimate " + v;
                }
            }
            return null;
        } catch (RuntimeException | Error e) { // e.g. OutOfMemoryError: the model is closed and refused
            return e.toString();
        }
    }

    private Outcome refuse(ModelVersion header, String reason) {
        String message = header.getSystem() + " model version " + header.getVersion() + " refused: " + reason
                + (registry.version(header.getSystem()) >= 0
                ? "; version " + registry.version(header.getSystem()) + " keeps serving"
                : "; no model serves " + header.getSystem() + " yet");
        LOG.warn(message);
        lastRefusal.put(header.getSystem(), message);
        metrics.modelVersion(header.getSystem().name(), "refused");
        return Outcome.REFUSED;
    }
}
