package io.hybridcast.streams.anomaly;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The memory of one sensor's model-free fault detectors ({@link SensorFaultDetector}): the run of identical
 * readings, the typical curvature that scales a spike, and the hysteresis of each check.
 */
public final class FaultState {

    int stuckRun;
    /** Typical absolute second difference per channel (an exponential moving average), the spike scale. */
    double[] spikeScale = new double[0];
    int spikeScaleSamples;
    Latch stuck = new Latch();
    Latch spike = new Latch();
    Latch range = new Latch();
    /** The noise-burst check's predictor and test (sensor-state format 6 on). */
    NoiseState noise = new NoiseState();

    /** Readings still exempt from the spike check after an operating event (not kept in the changelog). */
    int eventExempt;

    /**
     * An operating event at this reading: its jump is not a fault. The spike check skips the event's reading and
     * the two after it (their extrapolation spans the jump), the spike scale does not learn the jump and then
     * learns the new drive afresh (a drive switched on after 30 s off makes every extrapolation error 10-25 times
     * the free swing's: the live example run flagged a "spike" 4 readings after DRIVE_ON), and the noise check
     * starts its predictor afresh.
     */
    public void operatingEvent() {
        eventExempt = 3;
        spikeScaleSamples = 0;
        NoiseBurstCheck.operatingEvent(noise);
    }

    /** After a sequence gap: a run of identical readings cannot span the gap. */
    public void restartAfterGap() {
        stuckRun = 0;
    }

    public Latch stuck() {
        return stuck;
    }

    public Latch spike() {
        return spike;
    }

    public Latch range() {
        return range;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(stuckRun);
        io.hybridcast.streams.topology.StateSerde.writeDoubles(out, spikeScale); // its length, then the values
        out.writeInt(spikeScaleSamples);
        stuck.write(out);
        spike.write(out);
        range.write(out);
    }

    /** The noise-burst check's memory: appended at the end of sensor-state format 6. */
    public void writeNoise(DataOutputStream out) throws IOException {
        noise.write(out);
    }

    /** Reads what {@link #writeNoise} wrote in sensor-state format {@code sensorStateVersion} (6 on). */
    public void readNoise(DataInputStream in, int sensorStateVersion) throws IOException {
        noise = NoiseState.read(in, sensorStateVersion);
    }

    public static FaultState read(DataInputStream in) throws IOException {
        FaultState s = new FaultState();
        s.stuckRun = in.readInt();
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("bad spike scale length " + n);
        }
        s.spikeScale = new double[n];
        for (int i = 0; i < n; i++) {
            s.spikeScale[i] = in.readDouble();
        }
        s.spikeScaleSamples = in.readInt();
        s.stuck = Latch.read(in);
        s.spike = Latch.read(in);
        s.range = Latch.read(in);
        return s;
    }
}
