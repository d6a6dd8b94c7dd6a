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
}
