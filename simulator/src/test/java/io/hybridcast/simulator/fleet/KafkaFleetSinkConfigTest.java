package io.hybridcast.simulator.fleet;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's producer settings that keep every reading: a reading batch that expired during a broker outage
 * would leave a gap in its sensor's sequence for good (the chaos benchmark counted two such gaps).
 */
class KafkaFleetSinkConfigTest {

    @Test
    void readingsAreRetriedUntilTheBrokerTakesThemInOrderAndOnce() {
        Map<String, Object> config = KafkaFleetSink.defaultProducerConfig("localhost:9092");
        assertThat(config.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(Integer.MAX_VALUE);
        assertThat(config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo(true);
        assertThat(config.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
    }
}
