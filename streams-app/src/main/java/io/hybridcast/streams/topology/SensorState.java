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
     * Format 8: format 7 with the noise check's information matrix as its upper triangle (NoiseState#write: 116
     * bytes less of a pendulum's value, written at almost every reading at real time). Format 7: format 6 with the samples as blocks ({@link StateSerde#writeRows}: one width, not one length per
     * sample) and the due query's window, when it is still among the recent samples (as it is until the sensor's
     * next readings push its oldest samples out), written as its place among them instead of a second copy: at real
     * time a sensor's whole state is written back at almost every reading. Format 6 was format 5 followed by the
     * noise-burst check's memory and physics drift's hold; format 5 was format 4 (the flat class's fields, in its
     * order) without the usual neural share and followed by the live forecast score. Formats 4 to 7 are still read
     * (from 4 and 5 the noise check starts afresh), so an upgrade keeps the sensors' state.
     */
    public static final StateSerde<SensorState> SERDE = new StateSerde<>("sensor state", 8, 4,
            SensorState::write, SensorState::read);

    /** Marks a due window written as its place among the recent samples (format 7). */
    private static final int WINDOW_IN_RECENT = -1;

    private static void write(SensorState s, DataOutputStream out) throws IOException {
        out.writeUTF(s.sensorId);
        out.writeUTF(s.system.name());
        out.writeLong(s.cursor.lastSequence());
        out.writeLong(s.cursor.lastEventTime());
        out.writeLong(s.cursor.contiguousSamples());
        RecentSamples samples = s.recent;
        samples.writeTo(out);
        out.writeBoolean(s.query.due());
        out.writeLong(s.query.sequence());
        out.writeLong(s.query.eventTime());
        double[][] window = s.query.window();
        int back = windowInRecent(window, samples, s.cursor.lastSequence() - s.query.sequence());
        if (back >= 0) {
            // the window's samples still among the recent ones are not written again, only those pushed out since
            int missing = Math.max(0, window.length - (samples.size() - back));
            out.writeInt(WINDOW_IN_RECENT);
            out.writeInt(window.length);
            out.writeInt(back);
            StateSerde.writeRows(out, java.util.Arrays.asList(window).subList(0, missing));
        } else {
            StateSerde.writeRows(out, java.util.Arrays.asList(window));
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

    /**
     * Where the due window ends among the recent samples, counted back from the newest ({@code back} readings came
     * after the query), when the window's samples still there are exactly those samples; -1 otherwise (not due, or
     * a gap or restart since). The comparison, not the arithmetic, vouches for it: the window read back is always the
     * one written.
     */
    static int windowInRecent(double[][] window, RecentSamples recent, long back) {
        if (window.length == 0 || back < 0 || back >= recent.size()) {
            return -1;
        }
        int offset = recent.size() - (int) back - window.length; // recent index of the window's first sample
        for (int i = Math.max(0, -offset); i < window.length; i++) {
            if (!java.util.Arrays.equals(window[i], recent.get(offset + i))) {
                return -1;
            }
        }
        return (int) back;
    }

    private static SensorState read(DataInputStream in, int version) throws IOException {
        String sensorId = in.readUTF();
        SystemKind system = SystemKind.valueOf(in.readUTF());
        long lastSequence = in.readLong();
        long lastEventTime = in.readLong();
        long contiguous = in.readLong();
        RecentSamples recent = new RecentSamples();
        double[][] samples = version >= 7 ? StateSerde.readRows(in, in.readInt()) : readEach(in);
        for (double[] sample : samples) {
            recent.add(sample, Integer.MAX_VALUE);
        }
        boolean due = in.readBoolean();
        long dueSequence = in.readLong();
        long dueEventTime = in.readLong();
        double[][] window;
        if (version < 7) {
            window = readEach(in);
        } else {
            int count = in.readInt();
            if (count == WINDOW_IN_RECENT) {
                int length = in.readInt();
                int back = in.readInt();
                double[][] pushedOut = StateSerde.readRows(in, in.readInt());
                int offset = samples.length - back - length;
                if (length < 0 || back < 0 || back >= samples.length || pushedOut.length != Math.max(0, -offset)) {
                    throw new IOException("due window of " + length + " samples ending " + back + " before the newest of "
                            + samples.length + ", " + pushedOut.length + " of them written");
                }
                window = new double[length][];
                for (int i = 0; i < length; i++) {
                    window[i] = i < pushedOut.length ? pushedOut[i] : samples[offset + i].clone();
                }
            } else {
                window = StateSerde.readRows(in, count);
            }
        }
        Status status = Status.valueOf(in.readUTF());
        long readings = in.readLong();
        long forecasts = in.readLong();
        long modelVersion = in.readLong();
        FaultState faults = FaultState.read(in);
        ModelCheckState checks = ModelCheckState.read(in, version);
        ForecastScore score = version >= 5 ? ForecastScore.read(in) : new ForecastScore();
        if (version >= 6) {
            faults.readNoise(in, version);
            checks.readExtension(in);
        }
        return new SensorState(sensorId, system, new SequenceCursor(lastSequence, lastEventTime, contiguous, readings),
                recent, new DueQuery(due, dueSequence, dueEventTime, window),
                new ServingStatus(status, forecasts, modelVersion), faults, checks, score);
    }

    /** Formats 4 to 6: a count, then each sample with its own length. */
    private static double[][] readEach(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("bad sample count " + n);
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = StateSerde.readDoubles(in);
        }
        return out;
    }
}
