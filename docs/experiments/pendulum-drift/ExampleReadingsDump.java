import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.FleetSink;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Dumps the example scenario's pendulum readings (the local stack's fleet: seed 1, 4 pendulums, a line, a double
 * pendulum) and its truth, for the offline drift-signal study: ExampleReadingsDump SCENARIO RECORDS READINGS.csv
 * TRUTH.csv. The truth is for scoring the study only.
 */
public class ExampleReadingsDump {
    public static void main(String[] a) throws Exception {
        List<SensorReading> readings = Collections.synchronizedList(new ArrayList<>());
        List<SensorTruth> truth = Collections.synchronizedList(new ArrayList<>());
        FleetSink sink = new FleetSink() {
            public void reading(SensorReading r) { readings.add(r); }
            public void truth(SensorTruth t) { truth.add(t); }
            public void flush() { }
            public void close() { }
        };
        try (FleetSimulator fleet = FleetSimulator.builder().pendulums(4).advectionDiffusion(1).doublePendulums(1)
                .seed(1).scenario(Scenario.parse(Files.readString(Path.of(a[0])), "example"))
                .rate(Rate.AS_FAST_AS_POSSIBLE).maxRecords(Long.parseLong(a[1]))
                .startEventTime(Instant.parse("2026-01-01T00:00:00Z")).sink(sink).build()) {
            fleet.start();
            fleet.awaitCompletion(Duration.ofSeconds(300));
        }
        try (PrintWriter out = new PrintWriter(a[2])) {
            out.println("sensor,seq,theta,event");
            synchronized (readings) {
                for (SensorReading r : readings) {
                    if (r.getSensorId().startsWith("pendulum-")) {
                        out.println(r.getSensorId() + "," + r.getSequence() + "," + r.getValues().get(0) + ","
                                + (r.getOperatingEvent() == null ? "" : r.getOperatingEvent()));
                    }
                }
            }
        }
        try (PrintWriter out = new PrintWriter(a[3])) {
            out.println("sensor,from,to,omega,gamma,A,f");
            synchronized (truth) {
                for (SensorTruth t : truth) {
                    if (t.getSensorId().startsWith("pendulum-") && !t.getPhysics().isEmpty()) {
                        out.println(t.getSensorId() + "," + t.getFromSequence() + "," + t.getToSequence() + ","
                                + t.getPhysics().get("omega") + "," + t.getUnmodelled().get("gamma") + ","
                                + t.getUnmodelled().get("A") + "," + t.getUnmodelled().get("f"));
                    }
                }
            }
        }
    }
}
