package io.hybridcast.streams.topology;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.anomaly.SensorFaultDetector;
import io.hybridcast.streams.config.AnomalySettings;
import io.hybridcast.streams.config.StateSettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.config.SystemSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.inference.ServingModel;
import io.hybridcast.streams.validation.DeadLetters;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The per-sensor pipeline of one stream task, as a coordinator of its parts: the intake ({@link ReadingIntake}:
 * decode, validate, dead letters), the model-free checks ({@link SensorFaultChecks}), the sensor's window and
 * context set, the forecast-deviation check ({@link ForecastDeviationCheck}), the batching of due sensors
 * ({@link DueSensors}: size trigger in {@link #process}, latency trigger in a wall-clock punctuator), the batched
 * inference ({@link BatchInference}), the checks after each forecast ({@link PhysicsDriftCheck},
 * {@link UnmodelledCheck}) and the sensors gone silent ({@link SilentSensors}).
 */
final class ForecasterProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ForecasterProcessor.class);

    private final StreamsSettings settings;
    private final ModelRegistry models;
    private final AppMetrics metrics;
    private final long batchMaxLatencyMs;
    /** commit.on.forecast: a batch that emitted forecasts asks for its transaction to commit at once. */
    private final boolean commitOnForecast;
    private final DueSensors due;
    /** state.writeback.quiet.ms in ns, or -1: quiet sensors' values are written back ahead of the commit. */
    private final long writeBackQuietNanos;
    private final HopPhase phase;

    private ProcessorContext<Object, Object> context;
    private ForecasterStores stores;
    private ReadingIntake intake;
    private SensorFaultChecks faultChecks;
    private ForecastDeviationCheck deviationCheck;
    private PhysicsDriftCheck driftCheck;
    private UnmodelledCheck unmodelledCheck;
    private TransportCheck transportCheck;
    private DecayCheck decayCheck;
    private SilentSensors silent;
    private BatchInference inference;

    ForecasterProcessor(StreamsSettings settings, ModelRegistry models, AppMetrics metrics) {
        this.settings = settings;
        this.models = models;
        this.metrics = metrics;
        this.batchMaxLatencyMs = settings.get(StreamsSettings.BATCH_MAX_LATENCY_MS);
        this.commitOnForecast = settings.get(StreamsSettings.COMMIT_ON_FORECAST);
        this.due = new DueSensors(settings.get(StreamsSettings.BATCH_MAX_SIZE), batchMaxLatencyMs,
                settings.get(StreamsSettings.BATCH_MODE).equals("round"));
        this.phase = new HopPhase(settings.get(StreamsSettings.FORECAST_PHASE));
        long quietMs = settings.get(StateSettings.STATE_WRITEBACK_QUIET_MS);
        this.writeBackQuietNanos = quietMs < 0 ? -1 : quietMs * 1_000_000;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        // (re)initialised after every restore or dirty close: the caches start empty, the stores are the truth
        this.stores = new ForecasterStores(context);
        AnomalyEmitter emitter = new AnomalyEmitter(context, metrics, stores.anomalyHistory,
                settings.get(StreamsSettings.HISTORY_SIZE));
        this.intake = new ReadingIntake(settings, metrics, context);
        this.faultChecks = new SensorFaultChecks(settings, emitter);
        this.deviationCheck = new ForecastDeviationCheck(settings, stores.pending, emitter, metrics);
        this.driftCheck = new PhysicsDriftCheck(settings, stores.zpHistory, stores.physics, emitter);
        this.unmodelledCheck = new UnmodelledCheck(settings, emitter);
        this.transportCheck = new TransportCheck(settings, stores.physics, emitter);
        this.decayCheck = new DecayCheck(settings, stores.contexts, stores.physics, emitter);
        this.silent = new SilentSensors(settings.get(AnomalySettings.SILENCE_SAMPLES), emitter);
        this.inference = new BatchInference(settings, models, metrics, context, stores);
        due.reset(context.currentSystemTimeMs());
        new SensorExpiry(stores, settings.get(StateSettings.SENSOR_TTL), metrics).schedule(context);
        // sensors that were due when the task last stopped
        try (KeyValueIterator<String, SensorState> all = stores.states.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.query().due()) {
                    due.restore(kv.key);
                }
            });
        }
        // The latency trigger when no record comes to check it: the oldest due sensor waits at most
        // batch.max.latency.ms. Checking four times per latency period (instead of flushing on every tick) lets a
        // batch fill while records stream in. With a latency of 0 every due sensor runs in process() and the
        // punctuator only serves sensors restored as due, so it need not fire on every loop of the stream thread.
        // The same tick writes back the values of sensors that have gone quiet (state.writeback.quiet.ms).
        context.schedule(Duration.ofMillis(Math.max(batchMaxLatencyMs == 0 ? 10 : 1, batchMaxLatencyMs / 4)),
                PunctuationType.WALL_CLOCK_TIME,
                now -> {
                    if (due.latencyTriggerFires(now)) {
                        flush();
                    }
                    if (writeBackQuietNanos >= 0) {
                        stores.writeBackUnchangedSince(System.nanoTime() - writeBackQuietNanos);
                    }
                });
    }

    @Override
    public void close() {
        stores.forgetAll();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long now = context.currentSystemTimeMs();
        ReadingIntake.Origin origin = intake.origin(record);
        ReadingIntake.Accepted accepted = intake.take(origin, stores, now);
        if (accepted == null) {
            return;
        }
        String key = accepted.sensorId();
        try {
            accept(key, accepted.state(), accepted.reading());
        } catch (KafkaException e) {
            throw e; // store and producer failures are Kafka Streams' to handle (and retry under exactly-once)
        } catch (RuntimeException e) {
            LOG.error("Reading {}#{} of sensor {} could not be processed", origin.topic(), origin.offset(), key, e);
            stores.invalidate(key);
            intake.deadLetter(origin, DeadLetters.Stage.PROCESS, "processing failed: " + e, e, now);
            return;
        }
        silent.check();
        if (due.runsNow(context.currentSystemTimeMs())) {
            flush();
        }
    }

    private void accept(String sensorId, SensorState state, SensorReading reading) {
        metrics.validReading();
        SystemKind system = reading.getSystem();
        SystemSettings windowing = settings.system(system);
        long seq = reading.getSequence();
        long time = reading.getEventTime().toEpochMilli();
        silent.heard(sensorId, system, seq, time, context.currentSystemTimeMs());

        if (reading.getOperatingEvent() != null) {
            operatingEvent(sensorId, state, seq, reading.getOperatingEvent());
        }
        long[] faulty = faultChecks.check(state, reading);
        if (faulty != null) {
            // the windows holding these readings are no evidence about the physics
            SensorPhysics physics = stores.physicsOf(sensorId);
            physics.conditions().sensorFault(faulty[0], faulty[1], windowing.windowLength());
            stores.physics.write(sensorId, physics);
        }
        double[] x = SensorFaultDetector.toArray(reading);
        deviationCheck.check(state, x, seq, time);

        int length = windowing.windowLength();
        state.accept(x, seq, time, length);
        long contiguous = state.cursor().contiguousSamples();
        ContextSet contextSet = null;
        if (contiguous % length == 0) {
            contextSet = stores.contextOf(sensorId);
            // A window under a sensor-fault flag (stuck, spike, noise burst) is no sample of the sensor's dynamics:
            // in the context it would shift every window's latents and forecasts for the next K windows.
            if (!stores.physicsOf(sensorId).conditions().underFault(seq, length)) {
                // K + 1 windows: a query that is the newest window still has K others (ContextSet#pool)
                contextSet.add(new ContextSet.Window(seq - length + 1, state.recent().newest(length)),
                        windowing.contextWindows() + 1);
                stores.contexts.write(sensorId, contextSet);
            }
        }
        if (state.recent().size() == length && phase.dueAt(sensorId, contiguous, length, windowing.hop())) {
            // due at this sensor's phase of the hop (HopPhase). The first forecast once K windows are complete:
            // when the query is the newest window its context is the K - 1 before it, else K windows (ContextSet#pool)
            int windows = Math.min((contextSet == null ? stores.contextOf(sensorId) : contextSet).windows.size(),
                    windowing.contextWindows());
            if (windows < windowing.contextWindows()) {
                state.serving().warmingUp();
            } else if (models.version(system) < 0) {
                state.serving().waitingForModel();
            } else {
                if (state.query().due()) {
                    // still waiting from the previous hop (a backlog): infer that one first, so every hop gets
                    // its own forecast from its own window
                    stores.states.write(sensorId, state);
                    flush();
                    state = stores.states.read(sensorId);
                }
                state.query().mark(seq, time, state.recent().newest(length));
                due.add(sensorId, context.currentSystemTimeMs());
            }
        }
        stores.states.write(sensorId, state);
    }

    /**
     * An operating event the controller announced (start-up, drive off or on, re-excitation; {@code event} null: a
     * drive found to have moved to another frequency, {@link ForcingMove}): an event, not a fault.
     * The physics is unchanged, so the sensor-level physics is kept; the jump it causes must raise nothing, so the
     * forecasts made before it leave scoring, the spike and range checks skip the jump, forecast deviation and
     * unmodelled dynamics re-arm, and the latents' long run starts again after it (the drive may have changed).
     */
    private void operatingEvent(String sensorId, SensorState state, long seq, String event) {
        ForecastScoring scoring = stores.pending.existingScoring(sensorId);
        if (scoring != null) {
            stores.pending.clear(sensorId);
            // forecasts from windows straddling the event are not the sensor's usual error: the test holds
            scoring.cusum.restart(deviationCheck.holdSamples());
            stores.pending.scored(sensorId, scoring);
        }
        state.faults().operatingEvent();
        state.checks().rearmAfterEvent();
        SensorPhysics physics = stores.physicsOf(sensorId);
        // with the drive off, a pendulum has no forced amplitude to follow its ω by
        physics.operatingEvent(seq, "DRIVE_OFF".equals(event), "DRIVE_ON".equals(event));
        stores.physics.write(sensorId, physics);
    }

    /** Runs inference for every due sensor, one batch per system. */
    void flush() {
        List<String> ids = due.drain(context.currentSystemTimeMs());
        if (ids.isEmpty()) {
            return;
        }
        Map<SystemKind, List<SensorState>> bySystem = new EnumMap<>(SystemKind.class);
        for (String sensorId : ids) {
            SensorState state = stores.states.read(sensorId);
            if (state == null || !state.query().due()) {
                continue;
            }
            bySystem.computeIfAbsent(state.system, k -> new ArrayList<>()).add(state);
        }
        boolean[] forecast = {false};
        bySystem.forEach((system, batch) -> {
            try {
                if (inference.run(system, batch, this::afterForecast)) {
                    forecast[0] = true;
                } else {
                    for (SensorState state : batch) {
                        state.query().clear();
                        state.serving().waitingForModel();
                        stores.states.write(state.sensorId, state);
                    }
                }
            } catch (KafkaException e) {
                throw e;
            } catch (RuntimeException e) {
                // a model failure must not kill the stream thread (it would fail again on the same records):
                // the sensors skip this forecast, say so in the log and the metrics, and are due again next hop
                LOG.error("Inference of {} {} sensors failed; they skip this forecast", batch.size(), system, e);
                metrics.inferenceFailure(system.name());
                for (SensorState state : batch) {
                    // context sets may hold embeddings that were never written: read them from the store again
                    stores.contexts.invalidate(state.sensorId);
                    state.query().clear();
                    stores.states.write(state.sensorId, state);
                }
            }
        });
        if (forecast[0] && commitOnForecast) {
            // Under exactly-once the forecasts are visible only once their transaction commits: ask Kafka Streams
            // to commit at the end of this loop iteration instead of at the next commit.interval.ms.
            context.commit();
        }
    }

    /** The checks that follow a forecast, then the sensor is no longer due. */
    private void afterForecast(SensorState state, SensorPhysics physics, ServingModel.Prediction p,
                               ServingModel model, boolean fused) {
        long time = state.query().eventTime();
        ForcingMove.Move move = physics.conditions().takeForcingMove();
        if (move != null) {
            // a drive that moved is an operating event nobody announced: handled as one, then flagged
            operatingEvent(state.sensorId, state, move.sequence() - move.windowLength(), null);
            unmodelledCheck.forcingMoved(state, model, time, move);
        }
        deviationCheck.learnArrived(state);
        driftCheck.afterForecast(state, physics, p, model, time, fused);
        unmodelledCheck.afterForecast(state, physics, model, time, fused);
        transportCheck.afterForecast(state, physics, model, time, fused);
        decayCheck.afterForecast(state, physics, model, time, fused);
        state.query().clear();
        state.serving().forecasted(model.version());
        stores.states.write(state.sensorId, state);
    }
}
