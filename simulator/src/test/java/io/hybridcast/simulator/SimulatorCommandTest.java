package io.hybridcast.simulator;

import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;
import io.hybridcast.avro.SystemKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = SimulatorCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void helpListsTheSettings() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--bootstrap-servers", "--rate", "--pendulums", "--advection-diffusion",
                "--double-pendulums", "--scenario", "--random-faults", "--[no-]resume", "--seed", "--duration", "--max-records", "dataset");
    }

    @Test
    void aBadFlagValueNamesTheSettingAndValueAndExitsNonZero() {
        assertThat(run("--rate", "fast")).isNotZero();
        assertThat(err.toString()).contains("--rate").contains("fast");
    }

    @Test
    void aNegativeFleetSizeIsRejectedBeforeAnyConnection() {
        assertThat(run("--pendulums", "-1", "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("pendulums").contains("-1");
    }

    @Test
    void aBadDurationNamesTheValue() {
        assertThat(run("--duration", "soon")).isNotZero();
        assertThat(err.toString()).contains("--duration").contains("soon");
    }

    @Test
    void aMissingOrBadScenarioFileIsNamed(@TempDir Path dir) throws IOException {
        assertThat(run("--scenario", dir.resolve("none.json").toString(), "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("none.json").contains("does not exist");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"faults\": [{\"sensor\": \"pendulum-0\", \"kind\": \"SPIKE\", \"atSequence\": \"soon\"}]}");
        assertThat(run("--scenario", bad.toString(), "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("bad.json faults[0].atSequence").contains("soon");
    }

    @Test
    void aNegativeRandomFaultCountIsNamed() {
        assertThat(run("--random-faults", "-3", "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("random-faults").contains("-3");
    }

    @Test
    void aBadFaultFlagIsNamed() {
        assertThat(run("--fault", "sensor=pendulum-0,kind=SPIKE,atSequence=x", "--bootstrap-servers", "127.0.0.1:1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--fault").contains("atSequence").contains("'x'");
    }

    @Test
    void datasetWritesTrainValidAndTestSplits(@TempDir Path dir) {
        int rc = run("dataset", "--system", "advection-diffusion", "--out", dir.toString(), "--train", "3", "--valid", "2",
                "--test", "2", "--sequences-per-task", "2", "--steps", "5", "--no-progress");
        assertThat(rc).as(err.toString()).isZero();
        EpisodicDataset train = EpisodicDatasets.read(dir, "train");
        EpisodicDataset valid = EpisodicDatasets.read(dir, "valid");
        EpisodicDataset test = EpisodicDatasets.read(dir, "test");
        assertThat(train.system()).isEqualTo(SystemKind.ADVECTION_DIFFUSION);
        assertThat(train.size()).isEqualTo(6);
        assertThat(train.taskCount()).isEqualTo(3);
        assertThat(valid.size()).isEqualTo(4);
        assertThat(test.size()).isEqualTo(4);
        assertThat(train.steps()).isEqualTo(5);
        // independent splits: different seeds
        assertThat(valid.physics()[0][0]).isNotEqualTo(test.physics()[0][0]);
        assertThat(out.toString()).contains("train: 6 sequences (3 tasks x 2)");
    }

    @Test
    void datasetRejectsAnUnknownSystemAndBadCounts(@TempDir Path dir) {
        assertThat(run("dataset", "--system", "rocket", "--out", dir.toString())).isNotZero();
        assertThat(err.toString()).contains("--system").contains("rocket");
        assertThat(run("dataset", "--system", "pendulum", "--out", dir.toString(), "--train", "0", "--no-progress")).isEqualTo(2);
        assertThat(err.toString()).contains("--train").contains("0");
    }
}
