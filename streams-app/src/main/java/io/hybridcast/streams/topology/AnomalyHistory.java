package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.schemas.Topics;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The recent anomalies of one sensor, oldest first, bounded in length; kept for the API and dashboard. */
public final class AnomalyHistory {

    public final List<Anomaly> anomalies = new ArrayList<>();
    /** Every anomaly ever raised for the sensor, by kind name (not bounded). */
    public final java.util.Map<String, Long> countsByKind = new java.util.TreeMap<>();

    public void add(Anomaly anomaly, int capacity) {
        anomalies.add(anomaly);
        countsByKind.merge(anomaly.getKind().name(), 1L, Long::sum);
        while (anomalies.size() > capacity) {
            anomalies.remove(0);
        }
    }

    public static final StateSerde<AnomalyHistory> SERDE = new StateSerde<>("anomaly history", 1,
            AnomalyHistory::write, AnomalyHistory::read);

    private static void write(AnomalyHistory h, DataOutputStream out) throws IOException {
        out.writeInt(h.anomalies.size());
        for (Anomaly a : h.anomalies) {
            byte[] bytes = Topics.ANOMALIES.valueSerde().serializer().serialize(Topics.ANOMALIES.name(), a);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        out.writeInt(h.countsByKind.size());
        for (var e : h.countsByKind.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static AnomalyHistory read(DataInputStream in) throws IOException {
        AnomalyHistory h = new AnomalyHistory();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            h.anomalies.add(Topics.ANOMALIES.valueSerde().deserializer().deserialize(Topics.ANOMALIES.name(), bytes));
        }
        int kinds = in.readInt();
        for (int i = 0; i < kinds; i++) {
            h.countsByKind.put(in.readUTF(), in.readLong());
        }
        return h;
    }
}
