package io.hybridcast.streams.errors;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** A thread that fails on the same record again and again makes /health DOWN, while the client stays RUNNING. */
class StreamThreadHealthTest {

    private Instant now = Instant.parse("2026-12-02T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void oneFailureIsDegradedRepeatedFailuresAreDownAndTheyAgeOut() {
        StreamThreadHealth health = new StreamThreadHealth(clock);
        KafkaStreams.State running = KafkaStreams.State.RUNNING;
        assertThat(health.status(running)).isEqualTo(StreamThreadHealth.Status.UP);

        assertThat(health.handle(new IllegalStateException("boom"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(health.status(running)).isEqualTo(StreamThreadHealth.Status.DEGRADED);
        now = now.plusSeconds(10);
        health.handle(new IllegalStateException("boom"));
        health.handle(new IllegalStateException("boom again"));
        assertThat(health.status(running)).isEqualTo(StreamThreadHealth.Status.DOWN);
        assertThat(health.view(running)).containsEntry("threadFailuresLast5Min", 3).containsEntry("threadFailuresTotal", 3L)
                .containsEntry("lastThreadError", "java.lang.IllegalStateException: boom again");

        now = now.plus(Duration.ofMinutes(5)).minusSeconds(5);
        assertThat(health.status(running)).isEqualTo(StreamThreadHealth.Status.DEGRADED); // the first aged out
        now = now.plusSeconds(10);
        assertThat(health.status(running)).isEqualTo(StreamThreadHealth.Status.UP);
        assertThat(health.view(running)).containsEntry("threadFailuresTotal", 3L);
    }

    @Test
    void aClientThatIsNotRunningIsDown() {
        StreamThreadHealth health = new StreamThreadHealth(clock);
        assertThat(health.status(KafkaStreams.State.ERROR)).isEqualTo(StreamThreadHealth.Status.DOWN);
        assertThat(health.status(KafkaStreams.State.NOT_RUNNING)).isEqualTo(StreamThreadHealth.Status.DOWN);
        assertThat(health.status(null)).isEqualTo(StreamThreadHealth.Status.DOWN);
        assertThat(health.status(KafkaStreams.State.REBALANCING)).isEqualTo(StreamThreadHealth.Status.UP);
    }
}
