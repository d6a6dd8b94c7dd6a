package io.hybridcast.simulator.kafka;

import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.kafka.embedded.EmbeddedKafkaExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link FleetPublishingContract} against the in-process KRaft broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
class FleetPublishingEmbeddedKafkaTest extends FleetPublishingContract {

    private static String bootstrap;

    @BeforeAll
    static void broker(EmbeddedKafkaBroker broker) {
        bootstrap = broker.bootstrapServers();
    }

    @Override
    protected String bootstrapServers() {
        return bootstrap;
    }
}
