package io.hybridcast.streams.anomaly;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The memory of one sensor's model-based checks: the hysteresis of forecast deviation, physics drift and
 * unmodelled dynamics, and the usual levels they compare with (under the model version in service).
 */
public final class ModelCheckState {

    /** Weight of a new forecast in the usual neural share once warmed up. */
    public static final double NEURAL_SHARE_ALPHA = 0.1;
    /** Weight of a new sample in the usual squared band residual: slower, there is one per sample. */
    public static final double BAND_ALPHA = 0.01;

    private Latch deviation = new Latch();
    private Latch drift = new Latch();
    private Latch unmodelled = new Latch();
    /** What the neural share usually is for this sensor under the model version in service. */
    private UsualLevel neuralShare = new UsualLevel(NEURAL_SHARE_ALPHA);
    /** The usual mean square of the standardised residual of this sensor's forecasts under the serving version. */
    private UsualLevel band = new UsualLevel(BAND_ALPHA);

    public ModelCheckState() {
    }


    public Latch deviation() {
        return deviation;
    }

    public Latch drift() {
        return drift;
    }

    public Latch unmodelled() {
        return unmodelled;
    }

    public UsualLevel neuralShare() {
        return neuralShare;
    }

    public UsualLevel band() {
        return band;
    }

    public void write(DataOutputStream out) throws IOException {
        deviation.write(out);
        drift.write(out);
        unmodelled.write(out);
        neuralShare.write(out);
        band.write(out);
    }

    public static ModelCheckState read(DataInputStream in) throws IOException {
        ModelCheckState s = new ModelCheckState();
        s.deviation = Latch.read(in);
        s.drift = Latch.read(in);
        s.unmodelled = Latch.read(in);
        s.neuralShare = UsualLevel.read(in, NEURAL_SHARE_ALPHA);
        s.band = UsualLevel.read(in, BAND_ALPHA);
        return s;
    }
}
