package io.hybridcast.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code first_model_s}: the time from start to the first forecast on the topic, and how it joins the summary. */
class FirstForecastClockTest {

    @Test
    void measuresTheTimeUntilTheFirstForecastIsOnTheTopic() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
            long start = System.nanoTime();
            try (FirstForecastClock clock = new FirstForecastClock(admin, start).start()) {
                Thread.sleep(1500);
                assertThat(clock.seconds()).as("no forecast yet").isNull();
                long sent = System.nanoTime();
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(Topics.FORECASTS.name(), new byte[] {1}, new byte[] {2})).get();
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (clock.seconds() == null && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                double measured = clock.seconds();
                assertThat(measured).isGreaterThanOrEqualTo((sent - start) / 1e9)
                        .isLessThanOrEqualTo((System.nanoTime() - start) / 1e9);
            }
        }
    }

    @Test
    void theSummaryGetsTheNumberOrNull() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String with = FirstForecastClock.addTo("{\"sensors\":3,\"score\":{\"recall\":0.5}}", 12.5);
        assertThat(json.readTree(with).get("first_model_s").asDouble()).isEqualTo(12.5);
        assertThat(json.readTree(with).get("score").get("recall").asDouble()).isEqualTo(0.5);
        String without = FirstForecastClock.addTo("{\"sensors\":3}", null);
        assertThat(json.readTree(without).has("first_model_s")).isTrue();
        assertThat(json.readTree(without).get("first_model_s").isNull()).isTrue();
        assertThat(FirstForecastClock.addTo("not json at all?", 1.0)).isEqualTo("not json at all?");
    }
}
