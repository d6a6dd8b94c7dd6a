package io.hybridcast.streams.topology;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ParameterEstimate;
import io.hybridcast.avro.SensorParameterEstimate;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.AnomalySettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.model.fusion.ForcedSwing;
import io.hybridcast.model.fusion.FreeSwing;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.line.TransportFit;
import io.hybridcast.model.physics.DiffusionPhysics;
import io.hybridcast.streams.inference.ServingModel;
import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The forecaster's inference: for a batch of due sensors of one system, one embedding call for the context
 * windows that have none under the serving version and one batched prediction call, both under one model
 * version; then each sensor's forecast goes to the forecasts topic, the latest-forecast store and its pending
 * forecasts, and the caller's checks see the prediction while the model version is still leased.
 */
final class BatchInference {

    /** What the checks get after each forecast, with the model that made it. */
    @FunctionalInterface
    interface AfterForecast {
        void accept(SensorState state, SensorPhysics physics, ServingModel.Prediction prediction, ServingModel model,
                    boolean fused);
    }

    private final StreamsSettings settings;
    private final ModelRegistry models;
    private final AppMetrics metrics;
    private final ProcessorContext<Object, Object> context;
    private final ForecasterStores stores;
    private final double forgetting;
    /** Relative random-walk std of a revealed parameter per square root of a minute. */
    private final double revealedWalk;
    private final int physicsCapacity;
    private final int calibrationWarmup;
    /** forecast.model.band = until-calibrated: the model's band only for sensors whose own errors do not set it yet. */
    private final boolean bandUntilCalibrated;

    BatchInference(StreamsSettings settings, ModelRegistry models, AppMetrics metrics,
                   ProcessorContext<Object, Object> context, ForecasterStores stores) {
        this.settings = settings;
        this.models = models;
        this.metrics = metrics;
        this.context = context;
        this.stores = stores;
        this.forgetting = settings.get(AnomalySettings.PHYSICS_FORGETTING);
        this.revealedWalk = settings.get(AnomalySettings.PHYSICS_REVEALED_WALK);
        this.calibrationWarmup = settings.get(AnomalySettings.FORECAST_CALIBRATION_WARMUP);
        this.bandUntilCalibrated = settings.get(StreamsSettings.FORECAST_MODEL_BAND).equals("until-calibrated");
        this.physicsCapacity = physicsCapacity(forgetting, settings.get(AnomalySettings.RECENT_WINDOWS)
                + settings.get(AnomalySettings.LONG_RUN_MIN_WINDOWS));
    }

    /**
     * Windows a sensor's physics keeps: those whose forgetting weight is still above 1 % (beyond them a window
     * hardly counts), plus the recent and long-run minimum of the alerts, at most 256.
     */
    static int physicsCapacity(double forgetting, int minimum) {
        int memory = forgetting >= 1 ? 256 : (int) Math.ceil(Math.log(0.01) / Math.log(forgetting));
        return Math.min(256, memory + minimum);
    }

    /** Infers the batch; returns false (and infers nothing) when no model version serves the system. */
    boolean run(SystemKind system, List<SensorState> batch, AfterForecast after) {
        try (ModelRegistry.Lease lease = models.acquire(system)) {
            if (lease == null) {
                return false;
            }
            ServingModel model = lease.model();
            // the revealed parameter's random walk as a relative variance per sample
            double walkPerSample = revealedWalk * revealedWalk
                    * SensorSystems.of(system).sampleIntervalMillis() / 60_000.0;
            long started = System.nanoTime();
            List<ContextSet> contextSets = new ArrayList<>(batch.size());
            List<ContextSet.Window> stale = new ArrayList<>();
            for (SensorState state : batch) {
                ContextSet contextSet = stores.contextOf(state.sensorId);
                contextSets.add(contextSet);
                stale.addAll(contextSet.stale(model.version()));
            }
            if (!stale.isEmpty()) {
                double[][][] windows = new double[stale.size()][][];
                for (int i = 0; i < windows.length; i++) {
                    windows[i] = stale.get(i).samples;
                }
                double[][] embeddings = model.embed(windows);
                for (int i = 0; i < windows.length; i++) {
                    stale.get(i).embedding = embeddings[i];
                    stale.get(i).embeddingVersion = model.version();
                }
            }
            List<ServingModel.Query> queries = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                ContextSet contextSet = contextSets.get(i);
                DueQuery query = batch.get(i).query();
                contextSet.pool(model.version(), query.sequence() - query.window().length + 1,
                        settings.system(system).contextWindows());
                queries.add(new ServingModel.Query(query.window(), contextSet.pooledSum, contextSet.pooledCount,
                        needsModelBand(batch.get(i).sensorId, query.window()[0].length,
                                settings.system(system).horizon())));
            }
            // a sensor's first forecast: its start-up windows, which were never a query, are inferred too
            List<List<ContextSet.Window>> warmUp = new ArrayList<>(batch.size());
            List<ServingModel.Query> warmUpQueries = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                DueQuery query = batch.get(i).query();
                List<ContextSet.Window> early = WarmUpWindows.of(contextSets.get(i),
                        stores.physicsOf(batch.get(i).sensorId), query.sequence() - query.window().length + 1,
                        model.intervalCalibration().revealGate() > 0);
                warmUp.add(early);
                for (ContextSet.Window w : early) {
                    warmUpQueries.add(WarmUpWindows.query(contextSets.get(i), w, model.version(),
                            settings.system(system).contextWindows()));
                }
            }
            int withBand = (int) queries.stream().filter(ServingModel.Query::band).count();
            metrics.inferenceWindows(withBand, queries.size() - withBand);
            List<ServingModel.Prediction> predictions = model.predict(queries, settings.system(system).horizon());
            List<ServingModel.Prediction> warmUpPredictions = warmUpQueries.isEmpty() ? List.of()
                    : model.predict(warmUpQueries, settings.system(system).horizon());
            int nextWarmUp = 0;
            metrics.batch(batch.size(), System.nanoTime() - started);
            for (int i = 0; i < batch.size(); i++) {
                SensorState state = batch.get(i);
                if (!stale.isEmpty()) {
                    stores.contexts.write(state.sensorId, contextSets.get(i));
                }
                ServingModel.Prediction p = predictions.get(i);
                DueQuery query = state.query();
                SensorPhysics physics = stores.physicsOf(state.sensorId);
                for (ContextSet.Window w : warmUp.get(i)) {
                    fuse(physics, contextSets.get(i), w.samples, w.firstSequence + w.samples.length - 1,
                            warmUpPredictions.get(nextWarmUp++), model, system, walkPerSample);
                }
                boolean fused = fuse(physics, contextSets.get(i), query.window(), query.sequence(), p, model, system,
                        walkPerSample);
                if (fused || !warmUp.get(i).isEmpty()) {
                    stores.physics.write(state.sensorId, physics);
                }
                publish(state, physics, contextSets.get(i), p, model);
                after.accept(state, physics, p, model, fused);
            }
            return true;
        }
    }

    /** Whether the sensor's published band will be the model's at some step of this forecast. */
    private boolean needsModelBand(String sensorId, int channels, int horizon) {
        if (!bandUntilCalibrated) {
            return true;
        }
        ForecastScoring scoring = stores.pending.existingScoring(sensorId);
        return scoring == null || !scoring.calibration.replacesModelBand(horizon, channels, calibrationWarmup);
    }

    /**
     * Adds the posterior {@code p} of the window {@code samples} ending at {@code sequence} to the sensor-level
     * physics, with what the window itself shows: the free and forced swings where the version's calibration has a
     * reveal gate (the pendulum; the forced one only on windows that will be fused, not with the drive off) and the
     * line's transport. Returns whether it was fused.
     */
    private boolean fuse(SensorPhysics physics, ContextSet contexts, double[][] samples, long sequence,
                         ServingModel.Prediction p, ServingModel model, SystemKind system, double walkPerSample) {
        IntervalCalibration calibration = model.intervalCalibration();
        boolean gated = calibration.revealGate() > 0;
        boolean fuses = physics.wouldFuse(sequence, samples.length);
        SensorConditions conditions = physics.conditions();
        boolean driveOff = conditions.driveOffIn(sequence, samples.length);
        double dt = SensorSystems.of(system).sampleIntervalMillis() / 1000.0;
        // the swing's phase-free size at the window's own ω, for the settling of a slow pendulum's swing
        double[] swing = gated
                ? new double[] {FreeSwing.of(samples, 0), FreeSwing.amplitude(samples, 0, p.zpMean()[0], dt)}
                : SensorPhysics.UNMEASURED;
        // a moved drive is looked for in every fused window and, under a sensor-fault flag, in every window: a
        // strong drive's move trips the noise check first, whose flag would keep the windows unfused for seconds
        if (gated && !driveOff && (fuses || conditions.underFault(sequence, samples.length))) {
            ForcingMove.Move move = ForcingMove.detect(samples, sequence, dt, conditions.forcingHz(),
                    physics.windowEstimates());
            if (move != null) {
                conditions.forcingMoved(move);
            }
        }
        double[] forced = gated && fuses && !driveOff
                ? forcedSwing(contexts, samples, dt, physics) : SensorPhysics.UNMEASURED;
        // the line's transport beyond diffusion (its unmodelled change)
        double[] transport = system == SystemKind.ADVECTION_DIFFUSION && fuses
                ? transport(samples, system) : SensorPhysics.UNMEASURED;
        WindowReading reading = WindowReading.of(sequence, samples.length, model.version(), model.physicsNames(),
                p.zpMean(), p.zpStd(), p.zn()).withSwing(swing[0], swing[1]).withForced(forced)
                .withTransport(transport);
        return physics.add(reading, new FusionSettings(forgetting, physicsCapacity, calibration, walkPerSample));
    }

    /**
     * The query window's forced amplitude and its std at the sensor's forcing frequency: the one its raw context
     * windows show when the forcing stands clear of their noise ({@link ForcedSwing.Forcing#clear()}), kept in
     * {@code physics}; else the one kept from earlier (a forcing weakened by a drift, or the drive off, hides in the
     * noise peaks of 15 s of readings: the example's pendulum-1 at ω 1.2 read 1.1-8.6 Hz for its 6.0 Hz). Unmeasured
     * while no clear forcing was ever seen.
     */
    static double[] forcedSwing(ContextSet contextSet, double[][] query, double dt, SensorPhysics physics) {
        SensorConditions conditions = physics.conditions();
        // the pooled search counts the context windows since the forced-amplitude reference started: windows of a
        // drive that moved since would pull the frequency back to the old one
        List<ContextSet.Window> since = contextSet.windows.stream()
                .filter(w -> w.firstSequence + w.samples.length - 1 > conditions.forcedFrom()).toList();
        double[][][] windows = new double[since.size()][][];
        long[] starts = new long[since.size()];
        for (int j = 0; j < since.size(); j++) {
            windows[j] = since.get(j).samples;
            starts[j] = since.get(j).firstSequence;
        }
        ForcedSwing.Forcing forcing = ForcedSwing.forcing(windows, starts, 0, dt);
        if (forcing.clear()) {
            conditions.forcingHz(forcing.hz());
        }
        double f = conditions.forcingHz();
        return Double.isFinite(f) ? ForcedSwing.amplitude(query, 0, dt, f) : SensorPhysics.UNMEASURED;
    }

    /**
     * The line's window transport velocity and its std ({@link TransportFit}); unmeasured for a window with a jump.
     */
    static double[] transport(double[][] window, SystemKind system) {
        double dt = SensorSystems.of(system).sampleIntervalMillis() / 1000.0;
        return new TransportFit(window[0].length, dt, DiffusionPhysics.DX).fit(window)
                .map(t -> new double[]{t.velocity(), t.std()}).orElse(SensorPhysics.UNMEASURED);
    }

    /** The sensor-level posterior per parameter, as published. */
    static List<SensorParameterEstimate> sensorPhysics(SensorPhysics physics) {
        List<SensorParameterEstimate> out = new ArrayList<>();
        RandomEffects.Estimate[] estimates = physics.estimates();
        for (int j = 0; j < estimates.length; j++) {
            RandomEffects.Estimate e = estimates[j];
            out.add(new SensorParameterEstimate(physics.names().get(j), e.mean(), e.std(), e.lower95(), e.upper95(),
                    e.effectiveWindows(), e.tau()));
        }
        return out;
    }

    private void publish(SensorState state, SensorPhysics sensorPhysics, ContextSet contextSet,
                         ServingModel.Prediction p, ServingModel model) {
        String sensorId = state.sensorId;
        SensorSystems.Spec spec = SensorSystems.of(state.system);
        long time = state.query().eventTime();
        long firstSequence = state.query().sequence() + 1;
        List<ParameterEstimate> physics = new ArrayList<>();
        for (int j = 0; j < model.physicsNames().size(); j++) {
            physics.add(new ParameterEstimate(model.physicsNames().get(j), p.zpMean()[j], p.zpStd()[j]));
        }
        ForecastScoring forecasts = stores.pending.scoring(sensorId);
        double[][] window = state.query().window();
        double[] last = window[window.length - 1].clone();
        // published: the sensor's own calibration of the model's forecast (model's own until it has learnt)
        double[][][] calibrated = forecasts.calibration.apply(p.mean(), p.lower(), p.upper(), last, calibrationWarmup);
        Forecast forecast = Forecast.newBuilder()
                .setSensorId(sensorId)
                .setSystem(state.system)
                .setModelVersion(model.version())
                .setAlgorithm(model.algorithm())
                .setIssueTime(Instant.ofEpochMilli(time))
                .setFirstSequence(firstSequence)
                .setStepMillis(spec.sampleIntervalMillis())
                .setMean(ForecastOutput.rows(calibrated[0]))
                .setLower(ForecastOutput.rows(calibrated[1]))
                .setUpper(ForecastOutput.rows(calibrated[2]))
                .setPhysics(physics)
                .setNeuralLatents(ForecastOutput.row(p.zn()))
                .setContextSize(contextSet.pooledCount)
                .setSensorPhysics(sensorPhysics(sensorPhysics))
                .build();
        stores.output.publish(sensorId, forecast, time);
        metrics.forecast();
        if (state.query().markedAtNanos() != 0) {
            metrics.forecastDelay(System.nanoTime() - state.query().markedAtNanos());
        }

        if (state.query().sequence() - state.query().window().length + 1 <= sensorPhysics.lastEventSequence()) {
            // made from a window with an operating event in it (or before one that came in meanwhile): the jump
            // is announced, not a fault, so the forecast is published but not scored against the actuals
            return;
        }
        stores.pending.add(sensorId, new PendingForecasts.Entry(firstSequence, model.version(), calibrated[0],
                calibrated[1], calibrated[2], last, p.mean()));
        stores.pending.scored(sensorId, forecasts); // (a sensor's first forecast starts its scoring state)
    }
}
