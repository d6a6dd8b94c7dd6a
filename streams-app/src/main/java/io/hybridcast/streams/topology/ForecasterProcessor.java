package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ParameterEstimate;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Channels;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.anomaly.UsualLevel;
import io.hybridcast.streams.anomaly.SensorFaultDetector;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.config.SystemSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.inference.ServingModel;
import io.hybridcast.streams.validation.DeadLetters;
import io.hybridcast.streams.validation.ReadingValidator;
import io.hybridcast.streams.validation.SensorSessions;
import io.hybridcast.streams.validation.SequencePolicy;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * The whole per-sensor pipeline of one stream task: decode and validate raw readings (bad ones to the
 * dead-letter sink), model-free fault checks, windows and context set, forecast deviation against pending
 * forecasts, and batched inference of the sensors that are due (size trigger in {@link #process}, latency
 * trigger in a wall-clock punctuator). Which sensors are due is also kept in the changelogged sensor state,
 * so a restart finds them again.
 */
final class ForecasterProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ForecasterProcessor.class);

    private final StreamsSettings settings;
    private final ModelRegistry models;
    private final AppMetrics metrics;
    private final ReadingValidator validator;
    private final SequencePolicy sequences = new SequencePolicy();
    private final SensorFaultDetector faults;
    private final int batchMaxSize;
    private final long batchMaxLatencyMs;
    private final int historySize;
    // forecast-deviation settings, read once: the check runs for every reading
    private final double deviationThreshold;
    private final int deviationRaise;
    private final int deviationClear;
    private final int deviationCalibration;

    private ProcessorContext<Object, Object> context;
    // every store but the write-only latest forecasts keeps its values deserialised and writes them once per commit
    private WriteBehindStore<SensorState> states;
    private WriteBehindStore<ContextSet> contexts;
    private WriteBehindStore<PendingForecasts> pending;
    private KeyValueStore<String, Forecast> latest;
    private WriteBehindStore<ZpHistory> zpHistory;
    private WriteBehindStore<AnomalyHistory> anomalyHistory;
    private final List<WriteBehindStore<?>> writeBehind = new ArrayList<>();
    /** Sensors due for inference, in the order they became due. */
    private final Set<String> due = new LinkedHashSet<>();
    /** Wall-clock time at which the oldest sensor in {@link #due} became due. */
    private long oldestDueAtMs;
    /** Wall-clock time at which the newest sensor in {@link #due} became due. */
    private long newestDueAtMs;
    /** Which sensors hop together: completes batches early, holds nearly complete ones a little longer. */
    private final DueRound round;
    /** Every sensor of the round is due (set when the last one becomes due, cleared by {@link #flush}). */
    private boolean roundComplete;

    ForecasterProcessor(StreamsSettings settings, ModelRegistry models, AppMetrics metrics) {
        this.settings = settings;
        this.models = models;
        this.metrics = metrics;
        this.validator = new ReadingValidator(settings.servedSystems(),
                settings.get(StreamsSettings.FUTURE_TOLERANCE_MS));
        this.faults = new SensorFaultDetector(settings);
        this.batchMaxSize = settings.get(StreamsSettings.BATCH_MAX_SIZE);
        this.batchMaxLatencyMs = settings.get(StreamsSettings.BATCH_MAX_LATENCY_MS);
        this.round = new DueRound(batchMaxLatencyMs);
        this.historySize = settings.get(StreamsSettings.HISTORY_SIZE);
        this.deviationThreshold = settings.get(StreamsSettings.DEVIATION_THRESHOLD);
        this.deviationRaise = settings.get(StreamsSettings.DEVIATION_RAISE);
        this.deviationClear = settings.get(StreamsSettings.DEVIATION_CLEAR);
        this.deviationCalibration = settings.get(StreamsSettings.DEVIATION_CALIBRATION);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        // (re)initialised after every restore or dirty close: the caches start empty, the stores are the truth
        writeBehind.clear();
        due.clear();
        round.clear();
        roundComplete = false;
        this.states = store(context, StoreNames.SENSOR_STATE);
        this.contexts = store(context, StoreNames.CONTEXT_SETS);
        this.pending = store(context, StoreNames.PENDING_FORECASTS);
        this.latest = context.getStateStore(StoreNames.LATEST_FORECASTS);
        this.zpHistory = store(context, StoreNames.ZP_HISTORY);
        this.anomalyHistory = store(context, StoreNames.ANOMALY_HISTORY);
        // sensors that were due when the task last stopped
        try (KeyValueIterator<String, SensorState> all = states.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.due) {
                    due.add(kv.key);
                }
            });
        }
        // The latency trigger: the oldest due sensor waits at most batch.max.latency.ms. Checking four times
        // per latency period (instead of flushing on every tick) lets a batch fill while records stream in.
        context.schedule(Duration.ofMillis(Math.max(1, batchMaxLatencyMs / 4)), PunctuationType.WALL_CLOCK_TIME,
                now -> {
                    if (latencyTriggerFires(now)) {
                        flush();
                    }
                });
        oldestDueAtMs = context.currentSystemTimeMs();
    }

    /**
     * The latency trigger: the oldest due sensor has waited batch.max.latency.ms, unless the batch holds most of its
     * round and is still filling ({@link DueRound#worthWaitingFor}): then it waits for the rest, up to
     * {@link DueRound#WAIT_FACTOR} times as long. A round that a commit or a model call interrupted while it
     * streamed in would otherwise be split into two calls, each with the call's full fixed cost. A fleet whose
     * sensors hop at scattered times never has most of its round due at once and keeps the plain latency bound.
     */
    private boolean latencyTriggerFires(long now) {
        long waited = now - oldestDueAtMs;
        if (due.isEmpty() || waited < batchMaxLatencyMs) {
            return false;
        }
        return waited >= DueRound.WAIT_FACTOR * batchMaxLatencyMs
                || !round.worthWaitingFor(due.size(), now - newestDueAtMs);
    }

    private <V> WriteBehindStore<V> store(ProcessorContext<Object, Object> context, String name) {
        WriteBehindStore<V> store = context.getStateStore(name);
        store.forgetAll();
        writeBehind.add(store);
        return store;
    }

    @Override
    public void close() {
        writeBehind.forEach(WriteBehindStore::forgetAll);
    }

    /** Drops the cached values of a sensor whose processing failed half-way (the stores hold the truth). */
    private void invalidate(String sensorId) {
        for (WriteBehindStore<?> store : writeBehind) {
            store.invalidate(sensorId);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        String topic = meta == null ? Topics.SENSOR_READINGS.name() : meta.topic();
        int partition = meta == null ? -1 : meta.partition();
        long offset = meta == null ? -1 : meta.offset();
        long now = context.currentSystemTimeMs();

        String key;
        SensorReading reading;
        try {
            key = record.key() == null ? null : Topics.SENSOR_READINGS.keySerde().deserializer()
                    .deserialize(topic, record.key());
            reading = Topics.SENSOR_READINGS.valueSerde().deserializer().deserialize(topic, record.value());
            if (reading == null) {
                throw new IllegalArgumentException("value is null (a tombstone is not a reading)");
            }
        } catch (RuntimeException e) {
            deadLetter(record, topic, partition, offset, DeadLetters.Stage.DECODE, e.getMessage(), e, now);
            return;
        }
        String invalid = validator.check(key, reading, now);
        if (invalid != null) {
            deadLetter(record, topic, partition, offset, DeadLetters.Stage.VALIDATE, invalid, null, now);
            return;
        }
        SensorState state = states.read(key);
        SequencePolicy.Verdict sequence = sequences.judge(reading, state == null ? null : state.system,
                state == null ? -1 : state.lastSequence, state == null ? 0 : state.lastEventTime);
        if (sequence.refused()) {
            deadLetter(record, topic, partition, offset, DeadLetters.Stage.VALIDATE, sequence.reason(), null, now);
            return;
        } else if (sequence.newSession()) {
            state = SensorSessions.restart(state, contexts, pending, sequence.reason());
        }
        try {
            accept(key, state == null ? new SensorState(key, reading.getSystem()) : state, reading);
        } catch (KafkaException e) {
            throw e; // store and producer failures are Kafka Streams' to handle (and retry under exactly-once)
        } catch (RuntimeException e) {
            LOG.error("Reading {}#{} of sensor {} could not be processed", topic, offset, key, e);
            invalidate(key);
            deadLetter(record, topic, partition, offset, DeadLetters.Stage.PROCESS,
                    "processing failed: " + e, e, now);
            return;
        }
        if (due.size() >= batchMaxSize || roundComplete) {
            flush();
        }
    }

    private void accept(String sensorId, SensorState state, SensorReading reading) {
        metrics.validReading();
        SystemKind system = reading.getSystem();
        SystemSettings windowing = settings.system(system);
        long seq = reading.getSequence();
        long time = reading.getEventTime().toEpochMilli();

        Anomaly dropout = faults.dropout(state, reading);
        if (dropout != null) {
            emit(dropout, time);
        }
        if (state.lastSequence >= 0 && seq != state.lastSequence + 1) {
            // windows must be contiguous: start the window (and the detectors' memory) afresh after a gap
            state.recent.clear();
            state.contiguousSamples = 0;
            state.stuckRun = 0;
        }
        for (Anomaly fault : faults.check(state, reading)) {
            emit(fault, time);
        }
        double[] x = SensorFaultDetector.toArray(reading);
        checkAgainstForecasts(sensorId, state, x, seq, time);

        state.recent.addLast(x);
        while (state.recent.size() > windowing.windowLength()) {
            state.recent.removeFirst();
        }
        state.contiguousSamples++;
        state.lastSequence = seq;
        state.lastEventTime = time;
        state.readings++;

        int length = windowing.windowLength();
        ContextSet contextSet = null;
        if (state.contiguousSamples % length == 0) {
            contextSet = contextOf(sensorId);
            contextSet.add(new ContextSet.Window(seq - length + 1, state.newest(length)), windowing.contextWindows());
            contexts.write(sensorId, contextSet);
        }
        if (state.recent.size() == length && (state.contiguousSamples - length) % windowing.hop() == 0) {
            int windows = (contextSet == null ? contextOf(sensorId) : contextSet).windows.size();
            if (windows < windowing.contextWindows()) {
                state.status = SensorState.Status.WARMING_UP;
            } else if (models.version(system) < 0) {
                state.status = SensorState.Status.WAITING_FOR_MODEL;
            } else {
                if (state.due) {
                    // still waiting from the previous hop (a backlog): infer that one first, so every hop gets
                    // its own forecast from its own window
                    states.write(sensorId, state);
                    flush();
                    state = states.read(sensorId);
                }
                state.due = true;
                state.dueSequence = seq;
                state.dueEventTime = time;
                state.dueWindow = state.newest(length);
                long now = context.currentSystemTimeMs();
                if (due.isEmpty()) {
                    oldestDueAtMs = now;
                }
                newestDueAtMs = now;
                due.add(sensorId);
                roundComplete |= round.becameDue(sensorId, now, due.size());
            }
        }
        states.write(sensorId, state);
    }

    /** Forecast deviation: compares the actual with the newest forecast covering it, with hysteresis. */
    private void checkAgainstForecasts(String sensorId, SensorState state, double[] x, long seq, long time) {
        PendingForecasts forecasts = pending.read(sensorId);
        if (forecasts == null || forecasts.entries.isEmpty()) {
            return;
        }
        PendingForecasts.Entry entry = forecasts.newestCovering(seq);
        if (entry != null) {
            int step = (int) (seq - entry.firstSequence());
            double sumSquares = 0;
            double worstZ = -1;
            int worst = 0;
            for (int c = 0; c < x.length; c++) {
                double mid = entry.mean()[step][c];
                double halfWidth = (entry.upper()[step][c] - entry.lower()[step][c]) / 2;
                double sigma = Math.max(halfWidth / 1.96, 1e-9);
                double z = (x[c] - mid) / sigma;
                sumSquares += z * z;
                if (Math.abs(z) > worstZ) {
                    worstZ = Math.abs(z);
                    worst = c;
                }
            }
            double meanSquare = sumSquares / x.length;
            int calibration = deviationCalibration;
            UsualLevel usual = state.band;
            usual.useModelVersion(entry.modelVersion());
            double widen = bandWidening(usual, calibration);
            double score = Math.sqrt(meanSquare) / widen;
            double threshold = deviationThreshold;
            Latch.Transition transition = state.deviation.observe(score, threshold, seq, deviationRaise,
                    deviationClear);
            // the calibration learns from every sample of its warm-up, then from normal samples only
            if (calibration > 0 && (!usual.warmedUp(calibration) || (!state.deviation.active() && score <= threshold))) {
                usual.addNormal(meanSquare, calibration);
            }
            if (transition == Latch.Transition.RAISED) {
                String unit = Channels.unit(state.system);
                long from = state.deviation.firstAboveSequence();
                emit(Anomalies.of(sensorId, state.system, AnomalyKind.FORECAST_DEVIATION,
                        Channels.name(state.system, worst), score, threshold, from, seq, time, entry.modelVersion(),
                        "Forecast deviation: " + Channels.name(state.system, worst) + " left the forecast band for "
                                + (seq - from + 1) + " samples; observed " + num(x[worst]) + unit + ", forecast "
                                + num(entry.mean()[step][worst]) + unit + " (band " + num(entry.lower()[step][worst])
                                + " to " + num(entry.upper()[step][worst]) + unit + "), score " + num(score)
                                + " > " + num(threshold) + (widen > 1 ? " (band widened " + num(widen)
                                + "x to this sensor's usual forecast error)" : "") + "."), time);
            }
        }
        if (forecasts.expireThrough(seq)) {
            pending.write(sensorId, forecasts);
        }
    }

    /**
     * How much a sensor's band is widened for scoring: its usual RMS standardised residual once {@code calibration}
     * samples measured it (0 = calibration off), never below 1, so a well-calibrated band stays as it is.
     */
    static double bandWidening(UsualLevel band, int calibration) {
        return calibration > 0 && band.warmedUp(calibration) ? Math.max(1, Math.sqrt(band.mean())) : 1;
    }

    /** Runs inference for every due sensor: per system, one embedding call for new context windows and one
     * batched prediction call, both under one model version. */
    void flush() {
        roundComplete = false;
        if (due.isEmpty()) {
            return;
        }
        round.forgetSilent(context.currentSystemTimeMs());
        Map<SystemKind, List<SensorState>> bySystem = new EnumMap<>(SystemKind.class);
        for (String sensorId : due) {
            SensorState state = states.read(sensorId);
            if (state == null || !state.due) {
                continue;
            }
            bySystem.computeIfAbsent(state.system, k -> new ArrayList<>()).add(state);
        }
        due.clear();
        bySystem.forEach((system, batch) -> {
            try {
                inferBatch(system, batch);
            } catch (KafkaException e) {
                throw e;
            } catch (RuntimeException e) {
                // a model failure must not kill the stream thread (it would fail again on the same records):
                // the sensors skip this forecast, say so in the log and the metrics, and are due again next hop
                LOG.error("Inference of {} {} sensors failed; they skip this forecast", batch.size(), system, e);
                metrics.inferenceFailure(system.name());
                for (SensorState state : batch) {
                    // context sets may hold embeddings that were never written: read them from the store again
                    contexts.invalidate(state.sensorId);
                    state.due = false;
                    state.dueWindow = new double[0][];
                    states.write(state.sensorId, state);
                }
            }
        });
    }

    private void inferBatch(SystemKind system, List<SensorState> batch) {
        SystemSettings windowing = settings.system(system);
        try (ModelRegistry.Lease lease = models.acquire(system)) {
            if (lease == null) {
                for (SensorState state : batch) {
                    state.due = false;
                    state.dueWindow = new double[0][];
                    state.status = SensorState.Status.WAITING_FOR_MODEL;
                    states.write(state.sensorId, state);
                }
                return;
            }
            ServingModel model = lease.model();
            long started = System.nanoTime();
            List<ContextSet> contextSets = new ArrayList<>(batch.size());
            List<ContextSet.Window> stale = new ArrayList<>();
            for (SensorState state : batch) {
                ContextSet contextSet = contextOf(state.sensorId);
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
                contextSet.pool(model.version());
                queries.add(new ServingModel.Query(batch.get(i).dueWindow, contextSet.pooledSum,
                        contextSet.pooledCount));
            }
            List<ServingModel.Prediction> predictions = model.predict(queries, windowing.horizon());
            metrics.batch(batch.size(), System.nanoTime() - started);
            for (int i = 0; i < batch.size(); i++) {
                SensorState state = batch.get(i);
                if (!stale.isEmpty()) {
                    contexts.write(state.sensorId, contextSets.get(i));
                }
                publish(state, contextSets.get(i), predictions.get(i), model);
            }
        }
    }

    private void publish(SensorState state, ContextSet contextSet, ServingModel.Prediction p, ServingModel model) {
        String sensorId = state.sensorId;
        SensorSystems.Spec spec = SensorSystems.of(state.system);
        long time = state.dueEventTime;
        List<ParameterEstimate> physics = new ArrayList<>();
        for (int j = 0; j < model.physicsNames().size(); j++) {
            physics.add(new ParameterEstimate(model.physicsNames().get(j), p.zpMean()[j], p.zpStd()[j]));
        }
        List<Double> zn = new ArrayList<>(p.zn().length);
        for (double v : p.zn()) {
            zn.add(v);
        }
        Forecast forecast = Forecast.newBuilder()
                .setSensorId(sensorId)
                .setSystem(state.system)
                .setModelVersion(model.version())
                .setAlgorithm(model.algorithm())
                .setIssueTime(Instant.ofEpochMilli(time))
                .setFirstSequence(state.dueSequence + 1)
                .setStepMillis(spec.sampleIntervalMillis())
                .setMean(PendingForecasts.toLists(p.mean()))
                .setLower(PendingForecasts.toLists(p.lower()))
                .setUpper(PendingForecasts.toLists(p.upper()))
                .setPhysics(physics)
                .setNeuralLatents(zn)
                .setContextSize(contextSet.pooledCount)
                .build();
        context.forward(new Record<>(sensorId, forecast, time), TopologyFactory.FORECASTS_SINK);
        metrics.forecast();
        latest.put(sensorId, forecast);

        PendingForecasts forecasts = pending.read(sensorId);
        if (forecasts == null) {
            forecasts = new PendingForecasts();
        }
        forecasts.entries.add(new PendingForecasts.Entry(state.dueSequence + 1, model.version(), p.mean(),
                p.lower(), p.upper()));
        pending.write(sensorId, forecasts);

        ZpHistory history = zpHistory.read(sensorId);
        if (history == null) {
            history = new ZpHistory();
        }
        double[][] prior = contextPrior(history, state, model);
        history.add(new ZpHistory.Point(state.dueSequence, time, model.version(), model.physicsNames(), p.zpMean(),
                p.zpStd(), prior == null ? new double[0] : prior[0], prior == null ? new double[0] : prior[1]),
                historySize);
        zpHistory.write(sensorId, history);

        if (prior != null) {
            checkPhysicsDrift(state, p, prior[0], prior[1], model, time);
        }
        checkUnmodelled(state, p, model, time);

        state.due = false;
        state.dueWindow = new double[0][];
        state.status = SensorState.Status.FORECASTING;
        state.forecasts++;
        state.modelVersion = model.version();
        states.write(sensorId, state);
    }

    /**
     * The context prior of z_p: what the sensor's context period (the K windows before the newest one) says
     * about z_p, from the posteriors of the forecasts made there under the same model version. Mean of their
     * means; variance by the law of total variance (spread of the means plus mean posterior variance). Null
     * until two such estimates exist. (The model API gives the posterior only; see docs/streams-app.md.)
     */
    private double[][] contextPrior(ZpHistory history, SensorState state, ServingModel model) {
        SystemSettings windowing = settings.system(state.system);
        long newestStart = state.dueSequence - windowing.windowLength() + 1;
        long contextStart = newestStart - (long) windowing.contextWindows() * windowing.windowLength();
        int params = model.physicsNames().size();
        double[] sum = new double[params];
        double[] sumSquares = new double[params];
        double[] sumVariance = new double[params];
        int n = 0;
        for (ZpHistory.Point point : history.points) {
            if (point.modelVersion() != model.version() || point.sequence() >= newestStart
                    || point.sequence() < contextStart || point.mean().length != params) {
                continue;
            }
            for (int j = 0; j < params; j++) {
                sum[j] += point.mean()[j];
                sumSquares[j] += point.mean()[j] * point.mean()[j];
                sumVariance[j] += point.std()[j] * point.std()[j];
            }
            n++;
        }
        if (n < 2) {
            return null;
        }
        double[] mean = new double[params];
        double[] std = new double[params];
        for (int j = 0; j < params; j++) {
            mean[j] = sum[j] / n;
            double spread = Math.max(0, sumSquares[j] / n - mean[j] * mean[j]);
            std[j] = Math.sqrt(spread + sumVariance[j] / n);
        }
        return new double[][]{mean, std};
    }

    /** Physics drift: the newest window's z_p posterior against the prior from the context period. */
    private void checkPhysicsDrift(SensorState state, ServingModel.Prediction p, double[] priorMean,
                                   double[] priorStd, ServingModel model, long time) {
        double score = 0;
        int worst = 0;
        for (int j = 0; j < p.zpMean().length; j++) {
            double z = Math.abs(p.zpMean()[j] - priorMean[j])
                    / Math.sqrt(p.zpStd()[j] * p.zpStd()[j] + priorStd[j] * priorStd[j] + 1e-12);
            if (z > score) {
                score = z;
                worst = j;
            }
        }
        double threshold = settings.get(StreamsSettings.DRIFT_THRESHOLD);
        if (state.drift.observe(score, threshold, state.dueSequence, settings.get(StreamsSettings.MODEL_RAISE),
                settings.get(StreamsSettings.MODEL_CLEAR)) == Latch.Transition.RAISED) {
            String name = model.physicsNames().get(worst);
            String unit = Channels.parameterUnit(name);
            emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.PHYSICS_DRIFT, name, score, threshold,
                    state.drift.firstAboveSequence(), state.dueSequence, time, model.version(),
                    "Physics drift: " + name + " moved from " + num(priorMean[worst]) + " to "
                            + num(p.zpMean()[worst]) + unit + " (z = " + num(score) + " > " + num(threshold) + ")."),
                    time);
        }
    }

    /** Unmodelled dynamics: the neural share of the reconstruction grows beyond its running baseline. */
    private void checkUnmodelled(SensorState state, ServingModel.Prediction p, ServingModel model, long time) {
        double share = p.neuralShare();
        if (!Double.isFinite(share)) {
            return;
        }
        UsualLevel usual = state.neuralShare;
        usual.useModelVersion(model.version());
        int warmup = settings.get(StreamsSettings.UNMODELLED_WARMUP);
        if (!usual.warmedUp(warmup)) {
            usual.addNormal(share, warmup);
            return;
        }
        double baseline = usual.mean();
        double score = share - baseline;
        double threshold = usual.threshold(settings.get(StreamsSettings.UNMODELLED_THRESHOLD),
                settings.get(StreamsSettings.UNMODELLED_SIGMAS));
        Latch.Transition transition = state.unmodelled.observe(score, threshold, state.dueSequence,
                settings.get(StreamsSettings.MODEL_RAISE), settings.get(StreamsSettings.MODEL_CLEAR));
        if (transition == Latch.Transition.RAISED) {
            emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.UNMODELLED_DYNAMICS, "neural_share", score,
                    threshold, state.unmodelled.firstAboveSequence(), state.dueSequence, time, model.version(),
                    "Unmodelled dynamics: the neural part now carries " + num(100 * share)
                            + " % of the model's signal energy, up from a usual " + num(100 * baseline) + " ± "
                            + num(100 * usual.std()) + " % (growth " + num(score) + " > " + num(threshold) + ")."),
                    time);
        }
        // the baseline follows only normal behaviour, so a lasting change stays visible as a change
        if (!state.unmodelled.active() && score <= threshold) {
            usual.addNormal(share, warmup);
        }
    }

    private ContextSet contextOf(String sensorId) {
        ContextSet contextSet = contexts.read(sensorId);
        return contextSet == null ? new ContextSet() : contextSet;
    }

    private void emit(Anomaly anomaly, long time) {
        context.forward(new Record<>(anomaly.getSensorId(), anomaly, time), TopologyFactory.ANOMALIES_SINK);
        metrics.anomaly(anomaly.getKind().name(), anomaly.getDetail());
        AnomalyHistory history = anomalyHistory.read(anomaly.getSensorId());
        if (history == null) {
            history = new AnomalyHistory();
        }
        history.add(anomaly, historySize);
        anomalyHistory.write(anomaly.getSensorId(), history);
        LOG.debug("Anomaly on {}: {}", anomaly.getSensorId(), anomaly.getExplanation());
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, int partition, long offset,
                            DeadLetters.Stage stage, String reason, Throwable error, long now) {
        DeadLetter letter = DeadLetters.of(topic, partition, offset, record.key(), record.value(), stage,
                reason == null ? String.valueOf(error) : reason, error, now);
        context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp()),
                TopologyFactory.DEAD_LETTERS_SINK);
        metrics.deadLetter(letter.getStage());
        LOG.debug("Dead letter from {}-{}@{}: {}", topic, partition, offset, letter.getReason());
    }
}
