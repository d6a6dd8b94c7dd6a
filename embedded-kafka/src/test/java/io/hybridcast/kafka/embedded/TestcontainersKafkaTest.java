package io.hybridcast.kafka.embedded;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same contract against Testcontainers' Kafka (a real Apache Kafka image). Runs where Docker exists;
 * reported as skipped where it does not (as on the build machines, STACK.md section 4).
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersKafkaTest extends BrokerRoundTripContract {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.0.0");

    @Override
    protected String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
