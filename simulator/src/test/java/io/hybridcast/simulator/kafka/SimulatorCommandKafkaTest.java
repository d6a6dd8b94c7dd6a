package io.hybridcast.simulator.kafka;

import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.kafka.embedded.EmbeddedKafkaExtension;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.SimulatorCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The command end to end: it runs a fleet against a real broker and stops at --max-records. */
@ExtendWith(EmbeddedKafkaExtension.class)
class SimulatorCommandKafkaTest {

    @Test
    void runsAMixedFleetUntilMaxRecordsAndExitsZero(EmbeddedKafkaBroker broker) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SimulatorCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("--bootstrap-servers", broker.bootstrapServers(), "--rate", "max", "--max-records", "300",
                "--pendulums", "2", "--advection-diffusion", "1", "--double-pendulums", "1", "--seed", "3",
                "--fault", "sensor=pendulum-1,kind=SPIKE,atSequence=5,magnitude=2");
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("300 readings (300 acked, 0 failed)").contains("double-pendulum-0");
        assertThat(TopicReader.readAtLeast(broker.bootstrapServers(), Topics.SENSOR_READINGS, 300, Duration.ofSeconds(20)))
                .hasSize(300);
    }

    @Test
    void injectsRandomFaultsOfEveryKind() {
        // a broker of its own: the class's shared one holds the other test's readings
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            injectsRandomFaultsOfEveryKind(broker);
        }
    }

    private static void injectsRandomFaultsOfEveryKind(EmbeddedKafkaBroker broker) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SimulatorCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        // 3 minutes of event time for 5 sensors: about 18 000 pendulum and 9 000 line samples
        int rc = cli.execute("--bootstrap-servers", broker.bootstrapServers(), "--rate", "max", "--max-records", "30000",
                "--pendulums", "3", "--advection-diffusion", "1", "--double-pendulums", "1", "--seed", "12",
                "--random-faults", "7", "--random-faults-over", "3m", "--no-resume");
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("7 faults, 2 events");
        var kinds = TopicReader.readAtLeast(broker.bootstrapServers(), Topics.SENSOR_TRUTH, 1, Duration.ofSeconds(20))
                .stream().map(r -> r.value().getFault()).filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toSet());
        assertThat(kinds).containsExactlyInAnyOrder(io.hybridcast.avro.FaultKind.values());
    }
}
