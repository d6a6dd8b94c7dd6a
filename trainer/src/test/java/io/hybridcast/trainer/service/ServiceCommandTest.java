package io.hybridcast.trainer.service;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.trainer.TrainerCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The trainer service's command line and settings: validation, defaults, help. */
class ServiceCommandTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }

    @Test
    void aBadSettingNamesTheSettingAndTheValue() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "service", "--epochs", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--epochs").contains("got 0");

        err = new StringWriter();
        assertThat(run(err, "service", "--held-out-fraction", "1.5")).isEqualTo(2);
        assertThat(err.toString()).contains("--held-out-fraction").contains("1.5");

        err = new StringWriter();
        assertThat(run(err, "service", "--systems", "PENDULUM,TOASTER")).isEqualTo(2);
        assertThat(err.toString()).contains("TOASTER");
    }

    @Test
    void withoutAKeyTheServiceRefusesToStartNamingTheSettings() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "service", "--hmac-key", "")).isEqualTo(2);
        assertThat(err.toString()).contains("--hmac-key").contains("--allow-unsigned")
                .contains("model.allow.unsigned=true");
    }

    @Test
    void theBuildersDefaultsAreTheServicesDefaults() {
        ServiceCommand command = new ServiceCommand();
        new CommandLine(command).parseArgs("--hmac-key", "k");
        TrainerSettings fromFlags = command.settings(SystemKind.DOUBLE_PENDULUM);
        TrainerSettings fromBuilder = TrainerSettings.builder().setBootstrapServers("localhost:9092")
                .setSystem(SystemKind.DOUBLE_PENDULUM).setHmacKey("k").build();
        assertThat(fromBuilder).isEqualTo(fromFlags);
    }

    @Test
    void theBuilderNamesAMissingRequiredSetting() {
        assertThatThrownBy(() -> TrainerSettings.builder().setSystem(SystemKind.PENDULUM).setHmacKey("k").build())
                .hasMessageContaining("--bootstrap-servers");
        assertThatThrownBy(() -> TrainerSettings.builder().setBootstrapServers("b:1").setHmacKey("k").build())
                .hasMessageContaining("--system");
    }

    @Test
    void helpListsTheService() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("service", "--help")).isZero();
        assertThat(out.toString()).contains("--interval", "--spread-tolerance", "--hmac-key", "--min-new-readings",
                "--allow-unsigned");
    }
}
