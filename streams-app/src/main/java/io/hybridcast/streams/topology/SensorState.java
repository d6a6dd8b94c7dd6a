package io.hybridcast.streams.topology;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.anomaly.FaultState;
import io.hybridcast.streams.anomaly.ModelCheckState;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Per-sensor working state, one value per sensor id in the {@link StoreNames#SENSOR_STATE} store, made of small
 * parts with their own operations: where the sensor's sequence stands ({@link SequenceCursor}), its newest
 * samples ({@link RecentSamples}), whether it is due for a forecast ({@link DueQuery}), what a user sees about
 * its forecasts ({@link ServingStatus}), and the memory of the model-free and model-based checks.
 */
public final class SensorState {

    /** What a user sees about a sensor's forecasts. */
    public enum Status { WARMING_UP, WAITING_FOR_MODEL, FORECASTING }

    /** Weight of a new sample in the usual squared band residual (kept here for the band-widening test). */
    static final double BAND_ALPHA = ModelCheckState.BAND_ALPHA;

    /** The sensor's id (immutable). */
    public final String sensorId;
    /** The sensor's system (immutable: a reading of another system is refused). */
    public final SystemKind system;
    private final SequenceCursor cursor;
    private final RecentSamples recent;
    private final DueQuery query;
    private final ServingStatus serving;
    private final FaultState faults;
    private final ModelCheckState checks;
    private final ForecastScore score;

    public SensorState(String sensorId, SystemKind system) {
        this(sensorId, system, new SequenceCursor(), new RecentSamples(), new DueQuery(), new ServingStatus(),
                new FaultState(), new ModelCheckState(), new ForecastScore());
    }

    private SensorState(String sensorId, SystemKind system, SequenceCursor cursor, RecentSamples recent,
                        DueQuery query, ServingStatus serving, FaultState faults, ModelCheckState checks,
                        ForecastScore score) {
        this.sensorId = sensorId;
        this.system = system;
        this.cursor = cursor;
        this.recent = recent;
        this.query = query;
        this.serving = serving;
        this.faults = faults;
        this.checks = checks;
        this.score = score;
    }

    public SequenceCursor cursor() {
        return cursor;
    }

    public RecentSamples recent() {
        return recent;
    }

    public DueQuery query() {
        return query;
    }

    public ServingStatus serving() {
        return serving;
    }

    public FaultState faults() {
        return faults;
    }

    public ModelCheckState checks() {
        return checks;
    }

    /** The live forecast score against persistence and the band's coverage. */
    public ForecastScore score() {
        return score;
    }


    // shorthands used by the API and tests

    public Status status() {
        return serving.status();
    }

    public long lastSequence() {
        return cursor.lastSequence();
    }

    public long readings() {
        return cursor.readings();
    }

    /** After a sequence gap: the window and the detectors' memory of the previous samples start afresh. */
    void restartAfterGap() {
        recent.clear();
        cursor.restartRun();
        faults.restartAfterGap();
    }

    /**
     * A new session of the sensor (it rebooted and restarted its sequence count): the window, the due query and
     * the detectors' memory of the previous samples start afresh; counters, calibration and histories stay.
     */
    void startNewSession() {
        restartAfterGap();
        cursor.newSession();
        query.clear();
        serving.warmingUp();
    }

    /** Accepts a reading: its sample joins the window of {@code windowLength}, the cursor advances. */
    void accept(double[] sample, long sequence, long eventTime, int windowLength) {
        recent.add(sample, windowLength);
        cursor.advance(sequence, eventTime);
    }

    /**
     * Format 6: format 5 followed by the noise-burst check's memory and physics drift's hold. Format 5 was format 4 (the flat class's
     * fields, in its order) without the usual neural share (unmodelled dynamics now compares latents) and followed
     * by the live forecast score. Formats 4 and 5 are still read (their noise check starts afresh), so an upgrade
     * keeps the sensors' state.
     */
    public static final StateSerde<SensorState> SERDE = new StateSerde<>("sensor state", 6, 4,
            SensorState::write, SensorState::read);

    private static void write(SensorState s, DataOutputStream out) throws IOException {
        out.writeUTF(s.sensorId);
        out.writeUTF(s.system.name());
        out.writeLong(s.cursor.lastSequence());
        out.writeLong(s.cursor.lastEventTime());
        out.writeLong(s.cursor.contiguousSamples());
        java.util.List<double[]> samples = s.recent.asList();
        out.writeInt(samples.size());
        for (double[] sample : samples) {
            StateSerde.writeDoubles(out, sample);
        }
        out.writeBoolean(s.query.due());
        out.writeLong(s.query.sequence());
        out.writeLong(s.query.eventTime());
        out.writeInt(s.query.window().length);
        for (double[] sample : s.query.window()) {
            StateSerde.writeDoubles(out, sample);
        }
        out.writeUTF(s.serving.status().name());
        out.writeLong(s.cursor.readings());
        out.writeLong(s.serving.forecasts());
        out.writeLong(s.serving.modelVersion());
        s.faults.write(out);
        s.checks.write(out);
        s.score.write(out);
        s.faults.writeNoise(out);
        s.checks.writeExtension(out);
    }

    private static SensorState read(DataInputStream in, int version) throws IOException {
        String sensorId = in.readUTF();
        SystemKind system = SystemKind.valueOf(in.readUTF());
        long lastSequence = in.readLong();
        long lastEventTime = in.readLong();
        long contiguous = in.readLong();
        RecentSamples recent = new RecentSamples();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            recent.add(StateSerde.readDoubles(in), Integer.MAX_VALUE);
        }
        boolean due = in.readBoolean();
        long dueSequence = in.readLong();
        long dueEventTime = in.readLong();
        double[][] window = new double[in.readInt()][];
        for (int i = 0; i < window.length; i++) {
            window[i] = StateSerde.readDoubles(in);
        }
        Status status = Status.valueOf(in.readUTF());
        long readings = in.readLong();
        long forecasts = in.readLong();
        long modelVersion = in.readLong();
        FaultState faults = FaultState.read(in);
        ModelCheckState checks = ModelCheckState.read(in, version);
        ForecastScore score = version >= 5 ? ForecastScore.read(in) : new ForecastScore();
        if (version >= 6) {
            faults.readNoise(in);
            checks.readExtension(in);
        }
        return new SensorState(sensorId, system, new SequenceCursor(lastSequence, lastEventTime, contiguous, readings),
                recent, new DueQuery(due, dueSequence, dueEventTime, window),
                new ServingStatus(status, forecasts, modelVersion), faults, checks, score);
    }
}
