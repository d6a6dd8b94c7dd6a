package io.hybridcast.kafka.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-process KRaft broker, reached through the JUnit extension other modules use. */
@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaBrokerTest extends BrokerRoundTripContract {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void brokerFromTheExtension(EmbeddedKafkaBroker injected) {
        broker = injected;
    }

    @Override
    protected String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Test
    void theExtensionGivesEveryTestOfTheClassTheSameRunningBroker(EmbeddedKafkaBroker injected) throws Exception {
        assertThat(injected).isSameAs(broker);
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        try (Admin admin = broker.createAdmin()) {
            assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
        }
    }

    @Test
    void aSecondBrokerStartsOnItsOwnFreePortAndCloseFreesThePortAndData() throws Exception {
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().defaultPartitions(2).start();
        int port = second.port();
        assertThat(port).isNotEqualTo(broker.port());
        assertThat(second.logDir()).exists();
        second.close();
        second.close(); // idempotent
        assertThat(second.logDir()).doesNotExist();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void badSettingsNameTheSettingAndValue() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(70000))
                .hasMessageContaining("port").hasMessageContaining("70000");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().defaultPartitions(0))
                .hasMessageContaining("defaultPartitions").hasMessageContaining("0");
    }
}
