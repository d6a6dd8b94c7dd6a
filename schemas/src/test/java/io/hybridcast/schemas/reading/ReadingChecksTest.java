package io.hybridcast.schemas.reading;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared value checks of a reading, each failure named. */
class ReadingChecksTest {

    static final Set<SystemKind> PENDULUM = Set.of(SystemKind.PENDULUM);

    static SensorReading reading(String id, SystemKind system, long sequence, long eventMs, Double... values) {
        return SensorReading.newBuilder().setSensorId(id).setSystem(system).setSequence(sequence)
                .setEventTime(Instant.ofEpochMilli(eventMs)).setValues(Arrays.asList(values)).build();
    }

    @Test
    void aPlausibleReadingPasses() {
        assertThat(ReadingChecks.check(reading("p1", SystemKind.PENDULUM, 0, 1000, 0.1), PENDULUM)).isNull();
    }

    @Test
    void eachBadValueIsNamed() {
        assertThat(ReadingChecks.check(reading(" ", SystemKind.PENDULUM, 0, 1000, 0.1), PENDULUM))
                .isEqualTo("sensorId is empty");
        assertThat(ReadingChecks.check(reading("x".repeat(257), SystemKind.PENDULUM, 0, 1000, 0.1), PENDULUM))
                .contains("257 characters").contains("256");
        assertThat(ReadingChecks.check(reading("p1", SystemKind.DOUBLE_PENDULUM, 0, 1000, 0.1, 0.2), PENDULUM))
                .startsWith("unknown system DOUBLE_PENDULUM");
        assertThat(ReadingChecks.check(reading("p1", SystemKind.PENDULUM, 0, 1000, 0.1, 0.2), PENDULUM))
                .isEqualTo("values has 2 entries, PENDULUM expects 1");
        assertThat(ReadingChecks.check(reading("p1", SystemKind.PENDULUM, 0, 1000, Double.NaN), PENDULUM))
                .isEqualTo("values[0] is NaN (not a finite number)");
        assertThat(ReadingChecks.check(reading("p1", SystemKind.PENDULUM, -1, 1000, 0.1), PENDULUM))
                .isEqualTo("sequence -1 is negative");
        assertThat(ReadingChecks.check(reading("p1", SystemKind.PENDULUM, 0, -1, 0.1), PENDULUM))
                .contains("before 1970");
        assertThat(ReadingChecks.check(SensorReading.newBuilder().setSensorId("p1").setSystem(SystemKind.PENDULUM)
                .setSequence(0).setEventTime(Instant.EPOCH).setValues(List.of()).build(), PENDULUM))
                .isEqualTo("values has 0 entries, PENDULUM expects 1");
    }
}
