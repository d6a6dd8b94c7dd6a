package io.hybridcast.streams.benchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The short version of {@link FuzzBenchmark}: a few thousand hostile records through the real topology. */
class FuzzTest {

    @Test
    void noRecordEscapesTheTopologyAndEveryOneIsAccountedFor(@TempDir Path stateDir) {
        Fuzzer.Report report = new Fuzzer(7, stateDir).run(4000);

        assertThat(report.escaped()).isEmpty();
        assertThat(report.threadDeaths()).isZero();
        assertThat(report.records()).isEqualTo(report.accepted() + report.deadLetters());
        // every kind of record was tried, and both good and bad ones came out
        assertThat(report.byMutation()).hasSize(Fuzzer.Mutation.values().length);
        assertThat(report.accepted()).isPositive();
        assertThat(report.decodeDeadLetters()).isPositive();
        assertThat(report.validateDeadLetters()).isPositive();
    }
}
