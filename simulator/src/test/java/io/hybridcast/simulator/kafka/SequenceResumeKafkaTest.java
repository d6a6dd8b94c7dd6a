package io.hybridcast.simulator.kafka;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.fleet.FleetBuilder;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simulator restarted against a topic that already holds readings continues every sensor's sequence (and event
 * time) after the last one it published, against the in-process broker with two partitions.
 */
class SequenceResumeKafkaTest {

    private static FleetBuilder fleet(String bootstrap, int pendulums, long maxRecords) {
        return FleetSimulator.builder().bootstrapServers(bootstrap).pendulums(pendulums).advectionDiffusion(1)
                .doublePendulums(1).topicPartitions(2).rate(Rate.AS_FAST_AS_POSSIBLE).seed(4).maxRecords(maxRecords);
    }

    private static Map<String, Long> runToCompletion(FleetBuilder builder) throws InterruptedException {
        try (FleetSimulator fleet = builder.build().start()) {
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(60))).isTrue();
            assertThat(fleet.failure()).isNull();
            return fleet.firstSequences();
        }
    }

    @Test
    void aRestartedFleetContinuesEachSensorsSequenceAndEventTime() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().defaultPartitions(2).start()) {
            String bootstrap = broker.bootstrapServers();
            // more records per partition than the first chunk read back (4096), so the tail is read in steps
            Map<String, Long> first = runToCompletion(fleet(bootstrap, 2, 12_000));
            assertThat(first.values()).containsOnly(0L);

            // the second run has one more pendulum, new on the topic: it starts at 0; a fault counts from its start
            Map<String, Long> second = runToCompletion(fleet(bootstrap, 3, 3_000).scenario(Scenario.parse("""
                    {"faults": [{"sensor": "pendulum-0", "kind": "SPIKE", "atSequence": 5, "magnitude": 2}]}""", "t")));

            List<ConsumerRecord<String, SensorReading>> all = TopicReader.readAtLeast(bootstrap, Topics.SENSOR_READINGS,
                    15_000, Duration.ofSeconds(30));
            assertThat(all).hasSize(15_000);
            Map<String, List<SensorReading>> bySensor = new HashMap<>();
            all.forEach(r -> bySensor.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
            for (String id : List.of("pendulum-0", "pendulum-1", "advection-diffusion-0", "double-pendulum-0")) {
                List<SensorReading> readings = bySensor.get(id);
                long resumedAt = second.get(id);
                assertThat(resumedAt).as(id).isPositive();
                for (int i = 0; i < readings.size(); i++) {
                    // one unbroken count over both runs (no dropouts here), event time never going back
                    assertThat(readings.get(i).getSequence()).as(id).isEqualTo(i);
                    if (i > 0) {
                        assertThat(readings.get(i).getEventTime()).as(id).isAfter(readings.get(i - 1).getEventTime());
                    }
                }
                assertThat(readings.get((int) resumedAt).getOperatingEvent()).as(id).isEqualTo("START_UP");
                assertThat(readings.get((int) resumedAt - 1).getOperatingEvent()).as(id).isNull();
            }
            assertThat(second.get("pendulum-2")).isZero();
            assertThat(bySensor.get("pendulum-2").get(0).getSequence()).isZero();

            List<ConsumerRecord<String, SensorTruth>> truths = TopicReader.readAtLeast(bootstrap, Topics.SENSOR_TRUTH,
                    1, Duration.ofSeconds(10));
            long spikeAt = second.get("pendulum-0") + 5;
            assertThat(truths).anySatisfy(t -> {
                assertThat(t.value().getSensorId()).isEqualTo("pendulum-0");
                assertThat(t.value().getFault()).hasToString("SPIKE");
                assertThat(t.value().getFromSequence()).isEqualTo(spikeAt);
            });
        }
    }

    @Test
    void withoutResumeTheSequenceStartsAgainAtZero() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            runToCompletion(fleet(broker.bootstrapServers(), 1, 500));
            assertThat(runToCompletion(fleet(broker.bootstrapServers(), 1, 500).resume(false)).values()).containsOnly(0L);
            assertThat(runToCompletion(fleet(broker.bootstrapServers(), 1, 500)).values()).allMatch(s -> s > 0);
        }
    }
}
