package io.hybridcast.streams.topology;

import org.apache.kafka.common.errors.SerializationException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The small mutable part of a sensor's pending forecasts, changed by every actual: what its past actuals taught
 * about its forecasts ({@link ForecastCalibration}) and its sequential forecast-deviation test
 * ({@link DeviationCusum}). Stored in {@link StoreNames#PENDING_FORECASTS} in parts ({@link PartedStore},
 * {@link #PARTS}): a head (the calibration's shape and the test) and one part per horizon step, of which a
 * commit writes the head and the steps that changed; the forecasts themselves, which never change once made, are
 * records of their own ({@link PendingForecasts}).
 */
public final class ForecastScoring {

    public ForecastCalibration calibration = new ForecastCalibration();
    public DeviationCusum cusum = new DeviationCusum();
    /**
     * Forecasts found in a value of formats 1 to 4 (which held them all, before they became records of their own),
     * to be moved to their records at the first read ({@link PendingForecasts#existingScoring}); empty otherwise.
     */
    final List<PendingForecasts.Entry> carried = new ArrayList<>(0);

    /** The format of the parts (the first after the whole values of formats 1 to 5). */
    static final int PART_FORMAT = 6;
    /** The head's part number; the steps are 0 to horizon - 1. */
    static final long HEAD = -1;

    /**
     * The whole value, as stored before the parts (format 5: the calibration, then the deviation test). Formats 1 to
     * 4 (the forecasts, then from format 3 the calibration, from format 4 the test) are read too, so an upgrade keeps
     * what each sensor learnt.
     */
    public static final StateSerde<ForecastScoring> SERDE = new StateSerde<>("pending forecasts", 5, 1,
            ForecastScoring::write, ForecastScoring::read);

    /** The parts: format 6; a whole value of formats 1 to 5 under the sensor's id is read and stored anew in parts. */
    public static final PartedStore.Codec<ForecastScoring> PARTS = new PartedStore.Codec<>() {
        @Override
        public void writeChanged(ForecastScoring s, BiConsumer<Long, byte[]> part) {
            ForecastCalibration c = s.calibration;
            part.accept(HEAD, bytes(out -> {
                out.writeInt(c.steps());
                out.writeInt(c.channels());
                s.cusum.write(out);
            }));
            for (int h = 0; h < c.steps(); h++) {
                if (c.changed(h)) {
                    int step = h;
                    part.accept((long) h, bytes(out -> c.writeStep(step, out)));
                }
            }
        }

        @Override
        public ForecastScoring assemble(TreeMap<Long, byte[]> parts) {
            byte[] head = parts.get(HEAD);
            if (head == null) {
                return null;
            }
            try {
                DataInputStream in = open(head, "head");
                ForecastScoring s = new ForecastScoring();
                s.calibration = ForecastCalibration.ofShape(in.readInt(), in.readInt());
                s.cusum = DeviationCusum.read(in);
                for (int h = 0; h < s.calibration.steps(); h++) {
                    byte[] step = parts.get((long) h);
                    if (step == null) {
                        throw new SerializationException("Cannot decode pending forecasts: step " + h + " of "
                                + s.calibration.steps() + " is missing");
                    }
                    s.calibration.readStep(h, open(step, "step " + h));
                }
                return s;
            } catch (IOException e) {
                throw new SerializationException("Cannot decode pending forecasts: " + e.getMessage(), e);
            }
        }

        @Override
        public ForecastScoring legacy(byte[] whole) {
            return whole.length > 0 && whole[0] >= 1 && whole[0] < PART_FORMAT
                    ? SERDE.deserializer().deserialize(StoreNames.PENDING_FORECASTS, whole) : null;
        }
    };

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(Body body) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeByte(PART_FORMAT);
            body.write(out);
            out.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DataInputStream open(byte[] part, String what) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(part));
        int format = in.readByte();
        if (format != PART_FORMAT) {
            throw new SerializationException("Cannot decode pending forecasts (" + what + "): format version "
                    + format + ", this build reads " + PART_FORMAT + " for a part");
        }
        return in;
    }

    private static void write(ForecastScoring s, DataOutputStream out) throws IOException {
        s.calibration.write(out);
        s.cusum.write(out);
    }

    private static ForecastScoring read(DataInputStream in, int version) throws IOException {
        ForecastScoring s = new ForecastScoring();
        if (version < 5) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.carried.add(PendingForecasts.readEntry(in, version));
            }
        }
        if (version >= 3) {
            s.calibration = ForecastCalibration.read(in);
        }
        if (version >= 4) {
            s.cusum = DeviationCusum.read(in);
        }
        return s;
    }
}
