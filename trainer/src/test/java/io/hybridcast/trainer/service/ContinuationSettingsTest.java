package io.hybridcast.trainer.service;

import io.hybridcast.trainer.TrainerCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad values of the base-model and continuation settings are usage errors naming the flag and the value. */
class ContinuationSettingsTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }

    @Test
    void aBadContinuationSettingNamesTheFlagAndTheValue() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "service", "--hmac-key", "k", "--replay-tasks", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--replay-tasks").contains("got -1");

        err = new StringWriter();
        assertThat(run(err, "service", "--hmac-key", "k", "--warm-steps", "-5")).isEqualTo(2);
        assertThat(err.toString()).contains("--warm-steps").contains("got -5");
    }

    @Test
    void aBadBaseModelsFlagNamesTheFlagAndTheValue() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "base-models", "--system", "PENDULUM", "--solver", "midpoint")).isEqualTo(2);
        assertThat(err.toString()).contains("--solver").contains("midpoint");

        err = new StringWriter();
        assertThat(run(err, "base-models", "--system", "PENDULUM", "--hop", "60")).isEqualTo(2);
        assertThat(err.toString()).contains("--hop").contains("60");
    }

    @Test
    void theDefaultsServeTheBaseModelAndReplayThePopulation() {
        assertThat(ContinuationSettings.DEFAULTS.publishBaseModel()).isTrue();
        assertThat(ContinuationSettings.DEFAULTS.replayTasks()).isPositive();
        assertThat(ContinuationSettings.DEFAULTS.warmSteps()).isGreaterThanOrEqualTo(500);
    }
}
