package io.hybridcast.streams.anomaly;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The memory of one sensor's model-based checks: the hysteresis of forecast deviation, physics drift and
 * unmodelled dynamics, and the usual squared band residual (under the model version in service).
 */
public final class ModelCheckState {

    /** Weight of a new forecast in the usual neural share of sensor-state format 4 (read, then dropped). */
    private static final double NEURAL_SHARE_ALPHA = 0.1;
    /** Weight of a new sample in the usual squared band residual: slower, there is one per sample. */
    public static final double BAND_ALPHA = 0.01;

    private Latch deviation = new Latch();
    private Latch drift = new Latch();
    private Latch unmodelled = new Latch();
    /** The usual mean square of the standardised residual of this sensor's forecasts under the serving version. */
    private UsualLevel band = new UsualLevel(BAND_ALPHA);
    /** Fused windows physics drift still holds after its alarm (sensor-state format 6 on). */
    private int driftHold;

    public ModelCheckState() {
    }


    /**
     * After an operating event: forecast deviation and unmodelled dynamics start a fresh run (a flag raised before
     * stays raised until it clears; a run building up before the event does not carry over its jump).
     */
    public void rearmAfterEvent() {
        if (!deviation.active()) {
            deviation = new Latch();
        }
        if (!unmodelled.active()) {
            unmodelled = new Latch();
        }
    }

    public Latch deviation() {
        return deviation;
    }

    public Latch drift() {
        return drift;
    }

    /** After a drift alarm: hold for {@code windows} fused windows. */
    public void holdDrift(int windows) {
        driftHold = windows;
    }

    public int driftHold() {
        return driftHold;
    }

    /** One fused window of the hold has passed; returns the windows left. */
    public int countDriftHold() {
        driftHold = Math.max(0, driftHold - 1);
        return driftHold;
    }

    /** The hold is over: drift can raise again. */
    public void rearmDrift() {
        drift = new Latch();
    }

    /** What format 6 appends at the end of the sensor state. */
    public void writeExtension(DataOutputStream out) throws IOException {
        out.writeInt(driftHold);
    }

    public void readExtension(DataInputStream in) throws IOException {
        driftHold = in.readInt();
    }

    public Latch unmodelled() {
        return unmodelled;
    }

    public UsualLevel band() {
        return band;
    }

    public void write(DataOutputStream out) throws IOException {
        deviation.write(out);
        drift.write(out);
        unmodelled.write(out);
        band.write(out);
    }

    /** Reads what {@link #write} wrote; sensor-state format 4 also held the usual neural share, now unused. */
    public static ModelCheckState read(DataInputStream in, int sensorStateVersion) throws IOException {
        ModelCheckState s = new ModelCheckState();
        s.deviation = Latch.read(in);
        s.drift = Latch.read(in);
        s.unmodelled = Latch.read(in);
        if (sensorStateVersion < 5) {
            UsualLevel.read(in, NEURAL_SHARE_ALPHA);
        }
        s.band = UsualLevel.read(in, BAND_ALPHA);
        return s;
    }
}
