package io.hybridcast.simulator.kafka;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** {@link FleetPublishingContract} against Testcontainers' Kafka; skipped where there is no Docker. */
@Testcontainers(disabledWithoutDocker = true)
class FleetPublishingTestcontainersTest extends FleetPublishingContract {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.0.0");

    @Override
    protected String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
