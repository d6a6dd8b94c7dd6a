package io.hybridcast.simulator.kafka;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.FleetStats;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator publishes to a real broker; a consumer reads back valid readings and truth with the topic serdes. */
abstract class FleetPublishingContract {

    protected abstract String bootstrapServers();

    @Test
    void readingsAndTruthArriveKeyedBySensorWithEventTimestamps() throws Exception {
        Scenario scenario = Scenario.parse("""
                {"faults": [
                  {"sensor": "pendulum-0", "kind": "PARAMETER_STEP", "atSequence": 30, "parameter": "omega", "value": 2.0},
                  {"sensor": "double-pendulum-0", "kind": "DROPOUT", "atSequence": 10, "durationSamples": 5}
                ]}""", "it");
        FleetStats.Snapshot stats;
        try (FleetSimulator fleet = FleetSimulator.builder().bootstrapServers(bootstrapServers())
                .pendulums(2).advectionDiffusion(1).doublePendulums(1).seed(4).scenario(scenario)
                .rate(Rate.AS_FAST_AS_POSSIBLE).maxRecords(600).build().start()) {
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(60))).isTrue();
            assertThat(fleet.failure()).isNull();
            stats = fleet.stats();
        }
        assertThat(stats.readingsGenerated()).isEqualTo(600);
        assertThat(stats.readingsAcked()).isEqualTo(600);
        assertThat(stats.readingsFailed()).isZero();
        assertThat(stats.truthsAcked()).isEqualTo(stats.truthsPublished()).isGreaterThanOrEqualTo(4 + 1 + 2);

        List<ConsumerRecord<String, SensorReading>> readings =
                TopicReader.readAtLeast(bootstrapServers(), Topics.SENSOR_READINGS, 600, Duration.ofSeconds(30));
        assertThat(readings).hasSize(600);
        Map<String, Long> nextSequence = new HashMap<>();
        for (ConsumerRecord<String, SensorReading> r : readings) {
            SensorReading reading = r.value();
            assertThat(r.key()).isEqualTo(reading.getSensorId());
            assertThat(r.timestamp()).isEqualTo(reading.getEventTime().toEpochMilli());
            assertThat(reading.getValues()).hasSize(SensorSystems.of(reading.getSystem()).channels())
                    .allSatisfy(v -> assertThat(v).isFinite());
            long expected = nextSequence.getOrDefault(reading.getSensorId(), 0L);
            if (reading.getSensorId().equals("double-pendulum-0") && expected == 10) {
                expected = 15; // the dropout
            }
            assertThat(reading.getSequence()).isEqualTo(expected);
            nextSequence.put(reading.getSensorId(), expected + 1);
        }
        assertThat(nextSequence).containsOnlyKeys("pendulum-0", "pendulum-1", "advection-diffusion-0", "double-pendulum-0");

        List<ConsumerRecord<String, SensorTruth>> truths =
                TopicReader.readAtLeast(bootstrapServers(), Topics.SENSOR_TRUTH, stats.truthsPublished(), Duration.ofSeconds(30));
        assertThat(truths).hasSize((int) stats.truthsPublished());
        assertThat(truths).allSatisfy(t -> assertThat(t.key()).isEqualTo(t.value().getSensorId()));
        SensorTruth step = truths.stream().map(ConsumerRecord::value)
                .filter(t -> t.getFault() == FaultKind.PARAMETER_STEP).findFirst().orElseThrow();
        assertThat(step.getSensorId()).isEqualTo("pendulum-0");
        assertThat(step.getFromSequence()).isEqualTo(30);
        assertThat(step.getPhysics()).containsEntry("omega", 2.0);
        SensorTruth dropout = truths.stream().map(ConsumerRecord::value)
                .filter(t -> t.getFault() == FaultKind.DROPOUT).findFirst().orElseThrow();
        assertThat(dropout.getFromSequence()).isEqualTo(10);
        assertThat(dropout.getToSequence()).isEqualTo(14);
    }
}
