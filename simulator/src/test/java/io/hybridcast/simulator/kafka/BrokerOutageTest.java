package io.hybridcast.simulator.kafka;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.schemas.Topics;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.FleetStats;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker goes away mid-run and comes back: the simulator waits, retries, and no truth record is lost. */
class BrokerOutageTest {

    @Test
    void truthPublishedWhileTheBrokerIsDownIsDeliveredOnceItIsBack(@TempDir Path dir) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(dir).start();
        int port = broker.port();
        int controllerPort = broker.controllerPort();
        String bootstrap = broker.bootstrapServers();
        // a drift re-publishes truth every 5 samples (0.25 s of event time), so truth is produced during the outage
        Scenario scenario = Scenario.parse("""
                {"faults": [{"sensor": "pendulum-0", "kind": "PARAMETER_DRIFT", "atSequence": 5,
                             "durationSamples": 400, "parameter": "omega", "value": 1.0}]}""", "outage");
        FleetStats.Snapshot stats;
        FleetSimulator fleet = FleetSimulator.builder().bootstrapServers(bootstrap).pendulums(1).seed(2)
                .scenario(scenario).driftTruthInterval(5).rate(Rate.times(2)).maxRecords(410).closeTimeout(Duration.ofSeconds(30))
                .producerConfig(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000)
                .producerConfig(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000)
                .producerConfig(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2000)
                .build().start();
        try {
            Thread.sleep(1500);
            long truthsBefore = fleet.stats().truthsPublished();
            broker.close();
            Thread.sleep(4000); // longer than the delivery timeout: in-flight truth fails and must be re-sent
            assertThat(fleet.stats().truthsPublished()).isGreaterThan(truthsBefore);
            broker = EmbeddedKafkaBroker.builder().logDir(dir).port(port).controllerPort(controllerPort).start();
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(90))).isTrue();
        } finally {
            fleet.close();
            stats = fleet.stats();
        }
        try {
            assertThat(stats.truthsAcked()).isEqualTo(stats.truthsPublished());
            assertThat(stats.truthsRetried() + stats.sendRetries()).isPositive();
            List<ConsumerRecord<String, SensorTruth>> truths =
                    TopicReader.readAtLeast(broker.bootstrapServers(), Topics.SENSOR_TRUTH, stats.truthsPublished(),
                            Duration.ofSeconds(30));
            Set<Long> drifts = truths.stream().map(ConsumerRecord::value).filter(t -> t.getFault() == FaultKind.PARAMETER_DRIFT)
                    .map(SensorTruth::getFromSequence).collect(Collectors.toSet());
            // every re-publication of the drift truth, 5, 10, ..., 400, arrived (none lost to the outage)
            assertThat(drifts).hasSize(80);
            assertThat(truths.stream().map(t -> t.value().getFromSequence() + "/" + t.value().getFault()).distinct().count())
                    .isEqualTo(stats.truthsPublished());
        } finally {
            broker.close();
        }
    }
}
