package io.hybridcast.streams.topology;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SensorTruth;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth the simulator published for one sensor (topic sensor-truth), newest last, bounded: true
 * physics over sequence ranges and the faults injected. Used only to score the app live, never to decide.
 */
public final class TruthLog {

    /** One truth range; {@code toSequence} is {@link Long#MAX_VALUE} while open. */
    public record Range(long fromSequence, long toSequence, Map<String, Double> physics, FaultKind fault,
                        String description) {
        public boolean covers(long sequence) {
            return sequence >= fromSequence && sequence <= toSequence;
        }
    }

    public final List<Range> ranges = new ArrayList<>();

    public void add(SensorTruth truth, int capacity) {
        ranges.add(new Range(truth.getFromSequence(),
                truth.getToSequence() == null ? Long.MAX_VALUE : truth.getToSequence(),
                new LinkedHashMap<>(truth.getPhysics()), truth.getFault(), truth.getDescription()));
        while (ranges.size() > capacity) {
            ranges.remove(0);
        }
    }

    /** The newest healthy-or-not range that covers the sequence and states physics, or null. */
    public Range physicsAt(long sequence) {
        for (int i = ranges.size() - 1; i >= 0; i--) {
            Range r = ranges.get(i);
            if (r.covers(sequence) && !r.physics().isEmpty()) {
                return r;
            }
        }
        return null;
    }

    public static final StateSerde<TruthLog> SERDE = new StateSerde<>("truth log", 1, TruthLog::write, TruthLog::read);

    private static void write(TruthLog t, DataOutputStream out) throws IOException {
        out.writeInt(t.ranges.size());
        for (Range r : t.ranges) {
            out.writeLong(r.fromSequence());
            out.writeLong(r.toSequence());
            out.writeInt(r.physics().size());
            for (var e : r.physics().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
            out.writeUTF(r.fault() == null ? "" : r.fault().name());
            out.writeUTF(r.description() == null ? "" : r.description());
        }
    }

    private static TruthLog read(DataInputStream in) throws IOException {
        TruthLog t = new TruthLog();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long from = in.readLong();
            long to = in.readLong();
            int p = in.readInt();
            Map<String, Double> physics = new LinkedHashMap<>();
            for (int j = 0; j < p; j++) {
                physics.put(in.readUTF(), in.readDouble());
            }
            String fault = in.readUTF();
            t.ranges.add(new Range(from, to, physics, fault.isEmpty() ? null : FaultKind.valueOf(fault), in.readUTF()));
        }
        return t;
    }
}
