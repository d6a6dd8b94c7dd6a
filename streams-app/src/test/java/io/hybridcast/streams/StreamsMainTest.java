package io.hybridcast.streams;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line lists its settings and refuses bad ones with exit code 2 and a clear message. */
class StreamsMainTest {

    @Test
    void listsEverySettingWithItsEnvironmentName() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new StreamsMain()).execute("--list-settings")).isZero();
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("pendulum.hop").contains("HYBRIDCAST_STREAMS_PENDULUM_HOP")
                .contains("batch.max.latency.ms");
    }

    @Test
    void badSettingExitsWithCodeTwoNamingIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new StreamsMain()).execute("--set", "pendulum.hop=zero")).isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("pendulum.hop = 'zero' (from flag)");
    }
}
