package io.hybridcast.streams.inference;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.physics.PriorRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A {@link HybridModel} version serving in the streams app. A {@code HybridModel} instance is not
 * thread-safe, so each stream thread gets its own instance of the same version (built from the same bundle
 * by the factory) the first time it infers; all are closed with this object.
 */
public final class HybridServingModel implements ServingModel {

    /** z-value of the 2.5 % and 97.5 % quantiles of a normal distribution. */
    private static final double Z_95 = 1.959963984540054;

    private final SystemKind system;
    private final boolean anchored;
    private final long version;
    private final Supplier<HybridModel> factory;
    private final ThreadLocal<HybridModel> perThread;
    private final Set<HybridModel> instances = ConcurrentHashMap.newKeySet();
    private final HybridModel first;
    /** The fused serving kernel when it passed its golden check (thread-safe, one for all threads), else null. */
    private final HybridModel kernel;
    private volatile boolean closed;
    /** The sensor-level interval calibration: the bundle's (set by the loader), else none, clipped to the spec's range. */
    private volatile IntervalCalibration calibration;

    /**
     * @param factory builds a fresh instance of this version; called once now and once per further thread
     */
    public HybridServingModel(SystemKind system, long version, Supplier<HybridModel> factory) {
        this(system, version, factory, null);
    }

    /**
     * Like {@link #HybridServingModel(SystemKind, long, Supplier)}, with predictions and embeddings from
     * {@code kernel} when not null ({@link KernelSelection} decides); the DJL instances stay as the reference.
     */
    public HybridServingModel(SystemKind system, long version, Supplier<HybridModel> factory, HybridModel kernel) {
        this(system, version, factory, kernel, system == SystemKind.ADVECTION_DIFFUSION);
    }

    /** Without a kernel, anchored as given (tests). */
    HybridServingModel(SystemKind system, long version, Supplier<HybridModel> factory, boolean anchored) {
        this(system, version, factory, null, anchored);
    }

    /**
     * @param anchored whether forecasts are shifted to start at the newest sample ({@link #anchor}): only where
     *                 the model's state is the observed field itself (advection-diffusion). A pendulum's state
     *                 also holds its unobserved velocity, so shifting the angle alone made forecasts worse
     *                 (docs/streams-app.md)
     */
    private HybridServingModel(SystemKind system, long version, Supplier<HybridModel> factory, HybridModel kernel,
                               boolean anchored) {
        this.kernel = kernel;
        this.anchored = anchored;
        this.system = system;
        this.version = version;
        this.factory = factory;
        this.first = factory.get();
        instances.add(first);
        this.calibration = IntervalCalibration.fromMetrics(Map.of(),
                new PriorRange(first.spec().physicsMin(), first.spec().physicsMax()));
        Thread owner = Thread.currentThread();
        this.perThread = ThreadLocal.withInitial(() -> {
            if (Thread.currentThread() == owner) {
                return first;
            }
            HybridModel model = factory.get();
            instances.add(model);
            return model;
        });
        if (!first.spec().system().equals(system.name())) {
            close();
            throw new IllegalArgumentException("the bundle models " + first.spec().system() + ", published for "
                    + system);
        }
    }

    /** {@code kernel} when the fused serving kernel serves this version, {@code djl} otherwise. */
    public String engine() {
        return kernel == null ? "djl" : "kernel";
    }

    private HybridModel model() {
        if (closed) {
            throw new IllegalStateException(system + " model version " + version + " is closed");
        }
        return kernel != null ? kernel : perThread.get();
    }

    @Override
    public SystemKind system() {
        return system;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public String algorithm() {
        return first.spec().algorithm();
    }

    /**
     * Takes the sensor-level interval calibration from the bundle's {@code metrics}
     * ({@link IntervalCalibration#METRIC}; none there: the intervals are only clipped); returns this.
     */
    public HybridServingModel calibrateIntervals(Map<String, Double> metrics) {
        calibration = IntervalCalibration.fromMetrics(metrics, calibration.range());
        return this;
    }

    @Override
    public IntervalCalibration intervalCalibration() {
        return calibration;
    }

    @Override
    public List<String> physicsNames() {
        return List.of(first.spec().physicsName());
    }

    @Override
    public int windowLength() {
        return first.spec().windowLength();
    }

    @Override
    public int maxHorizon() {
        return first.spec().maxHorizon();
    }

    @Override
    public double[][] embed(double[][][] windows) {
        return model().embedContext(windows);
    }

    @Override
    public List<Prediction> predict(List<Query> queries, int horizon) {
        int b = queries.size();
        double[][][] windows = new double[b][][];
        double[][] sums = new double[b][];
        int[] counts = new int[b];
        boolean[] band = new boolean[b];
        int embedding = first.spec().embedding();
        for (int i = 0; i < b; i++) {
            Query q = queries.get(i);
            windows[i] = q.window();
            sums[i] = q.pooledCount() == 0 || q.pooledSum().length == 0 ? new double[embedding] : q.pooledSum();
            counts[i] = q.pooledCount();
            band[i] = q.band();
        }
        Inference inference = model().inferWithPooledContext(windows, sums, counts, horizon, band);
        List<Prediction> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            double[] offset = anchored ? anchor(windows[i], inference.reconstruction()[i])
                    : new double[windows[i][0].length];
            double[][] std = inference.forecastStd()[i];
            double[][] mean = new double[std.length][];
            double[][] lower = new double[mean.length][];
            double[][] upper = new double[mean.length][];
            for (int t = 0; t < mean.length; t++) {
                mean[t] = new double[std[t].length];
                lower[t] = new double[mean[t].length];
                upper[t] = new double[mean[t].length];
                for (int c = 0; c < mean[t].length; c++) {
                    mean[t][c] = inference.forecastMean()[i][t][c] + offset[c];
                    lower[t][c] = mean[t][c] - Z_95 * std[t][c];
                    upper[t][c] = mean[t][c] + Z_95 * std[t][c];
                }
            }
            out.add(new Prediction(mean, lower, upper, inference.physicsMean()[i], inference.physicsStd()[i],
                    inference.neuralMean()[i], inference.neuralShare(i)));
        }
        return out;
    }

    /**
     * Where the forecast must start: the offset, per channel, of the sensor's newest sample from the model's
     * reconstruction of it. The model's forecast continues its own trajectory, which starts at the window's
     * first sample and runs through the whole window: with z_p off (the advection-diffusion line read D = 0.13
     * against a true 0.015, so its profile decayed about nine times too fast) the trajectory ends far from the
     * sensor, and the forecast started at half the current value. Shifting the forecast (and its band) by this
     * offset makes it start where the sensor is and keeps the model's predicted change from there. Used where the
     * state is the observed field (see the constructor).
     */
    static double[] anchor(double[][] window, double[][] reconstruction) {
        double[] newest = window[window.length - 1];
        double[] fitted = reconstruction[reconstruction.length - 1];
        double[] offset = new double[newest.length];
        for (int c = 0; c < offset.length; c++) {
            offset[c] = newest[c] - fitted[c];
        }
        return offset;
    }

    @Override
    public void close() {
        closed = true;
        for (HybridModel model : instances) {
            model.close();
        }
        instances.clear();
    }
}
