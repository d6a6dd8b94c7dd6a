package io.hybridcast.streams.topology;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.anomaly.UsualLevel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Per-sensor working state, one value per sensor id in the {@link StoreNames#SENSOR_STATE} store: where the
 * sensor's sequence stands, its newest samples (the query window in the making), whether it is due for a
 * forecast, and the model-free fault detectors with their hysteresis.
 */
public final class SensorState {

    /** What a user sees about a sensor's forecasts. */
    public enum Status { WARMING_UP, WAITING_FOR_MODEL, FORECASTING }

    public String sensorId;
    public SystemKind system;
    public long lastSequence = -1;
    public long lastEventTime;
    /** Contiguous samples since the first one or since the last sequence gap. */
    public long contiguousSamples;
    /** The newest samples, oldest first, at most one window. */
    public final Deque<double[]> recent = new ArrayDeque<>();
    public boolean due;
    public long dueSequence = -1;
    public long dueEventTime;
    /** The query window as it was when the sensor became due, [time][channel]; empty when not due. */
    public double[][] dueWindow = new double[0][];
    public Status status = Status.WARMING_UP;
    public long readings;
    public long forecasts;
    public long modelVersion = -1;

    // model-free fault detectors
    public int stuckRun;
    /** Typical absolute second difference per channel (an exponential moving average), the spike scale. */
    public double[] spikeScale = new double[0];
    public int spikeScaleSamples;
    public Latch stuck = new Latch();
    public Latch spike = new Latch();
    public Latch range = new Latch();

    /** Weight of a new forecast in the usual neural share once warmed up. */
    static final double NEURAL_SHARE_ALPHA = 0.1;
    /** Weight of a new sample in the usual squared band residual: slower, there is one per sample. */
    static final double BAND_ALPHA = 0.01;

    // model-based detectors
    public Latch deviation = new Latch();
    public Latch drift = new Latch();
    public Latch unmodelled = new Latch();
    /** What the neural share usually is for this sensor under the model version in service. */
    public UsualLevel neuralShare = new UsualLevel(NEURAL_SHARE_ALPHA);
    /** The usual mean square of the standardised residual of this sensor's forecasts under the serving version. */
    public UsualLevel band = new UsualLevel(BAND_ALPHA);

    public SensorState() {
    }

    public SensorState(String sensorId, SystemKind system) {
        this.sensorId = sensorId;
        this.system = system;
    }

    /** The newest {@code n} samples as a [time][channel] array (n must be at most recent.size()). */
    public double[][] newest(int n) {
        double[][] out = new double[n][];
        int skip = recent.size() - n;
        int i = 0;
        for (double[] sample : recent) {
            if (skip-- > 0) {
                continue;
            }
            out[i++] = sample.clone();
        }
        return out;
    }

    /** The sample before the newest, or null. */
    public double[] previous(int back) {
        if (recent.size() <= back) {
            return null;
        }
        var it = recent.descendingIterator();
        for (int i = 0; i < back; i++) {
            it.next();
        }
        return it.next();
    }

    public static final StateSerde<SensorState> SERDE = new StateSerde<>("sensor state", 4,
            SensorState::write, SensorState::read);

    private static void write(SensorState s, DataOutputStream out) throws IOException {
        out.writeUTF(s.sensorId);
        out.writeUTF(s.system.name());
        out.writeLong(s.lastSequence);
        out.writeLong(s.lastEventTime);
        out.writeLong(s.contiguousSamples);
        out.writeInt(s.recent.size());
        for (double[] sample : s.recent) {
            StateSerde.writeDoubles(out, sample);
        }
        out.writeBoolean(s.due);
        out.writeLong(s.dueSequence);
        out.writeLong(s.dueEventTime);
        out.writeInt(s.dueWindow.length);
        for (double[] sample : s.dueWindow) {
            StateSerde.writeDoubles(out, sample);
        }
        out.writeUTF(s.status.name());
        out.writeLong(s.readings);
        out.writeLong(s.forecasts);
        out.writeLong(s.modelVersion);
        out.writeInt(s.stuckRun);
        StateSerde.writeDoubles(out, s.spikeScale);
        out.writeInt(s.spikeScaleSamples);
        for (Latch latch : new Latch[]{s.stuck, s.spike, s.range, s.deviation, s.drift, s.unmodelled}) {
            latch.write(out);
        }
        s.neuralShare.write(out);
        s.band.write(out);
    }

    private static SensorState read(DataInputStream in) throws IOException {
        SensorState s = new SensorState(in.readUTF(), SystemKind.valueOf(in.readUTF()));
        s.lastSequence = in.readLong();
        s.lastEventTime = in.readLong();
        s.contiguousSamples = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            s.recent.addLast(StateSerde.readDoubles(in));
        }
        s.due = in.readBoolean();
        s.dueSequence = in.readLong();
        s.dueEventTime = in.readLong();
        s.dueWindow = new double[in.readInt()][];
        for (int i = 0; i < s.dueWindow.length; i++) {
            s.dueWindow[i] = StateSerde.readDoubles(in);
        }
        s.status = Status.valueOf(in.readUTF());
        s.readings = in.readLong();
        s.forecasts = in.readLong();
        s.modelVersion = in.readLong();
        s.stuckRun = in.readInt();
        s.spikeScale = StateSerde.readDoubles(in);
        s.spikeScaleSamples = in.readInt();
        s.stuck = Latch.read(in);
        s.spike = Latch.read(in);
        s.range = Latch.read(in);
        s.deviation = Latch.read(in);
        s.drift = Latch.read(in);
        s.unmodelled = Latch.read(in);
        s.neuralShare = UsualLevel.read(in, NEURAL_SHARE_ALPHA);
        s.band = UsualLevel.read(in, BAND_ALPHA);
        return s;
    }
}
