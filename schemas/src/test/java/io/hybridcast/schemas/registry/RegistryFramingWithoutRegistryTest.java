package io.hybridcast.schemas.registry;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.RecordDecodingException;
import io.hybridcast.schemas.Topics;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Without schema.registry.url: single-object encoding, and registry-framed records refused with the reason. */
class RegistryFramingWithoutRegistryTest {

    @Test
    void theDefaultNeedsNoRegistryAndSaysWhatAFramedRecordNeeds() {
        SensorReading reading = SensorReading.newBuilder().setSensorId("s").setSystem(SystemKind.PENDULUM)
                .setSequence(1).setEventTime(Instant.EPOCH).setValues(List.of(1.0)).build();
        byte[] bytes = Topics.SENSOR_READINGS.valueSerde().serializer().serialize("sensor-readings", reading);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        byte[] framed = {0, 0, 0, 0, 7, 2, 's'};
        assertThatThrownBy(() -> Topics.SENSOR_READINGS.valueSerde().deserializer().deserialize("sensor-readings", framed))
                .isInstanceOf(RecordDecodingException.class).hasMessageContaining("schema id 7")
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> Topics.SENSOR_READINGS.valueSerde().deserializer()
                .deserialize("sensor-readings", new byte[]{0, 1}))
                .isInstanceOf(RecordDecodingException.class).hasMessageContaining("fewer than the 5");
    }

    @Test
    void aRegistryUrlMustBeAnAbsoluteHttpUrl() {
        assertThat(SchemaRegistryClient.of("http://apicurio:8080/apis/ccompat/v7/").url().toString())
                .isEqualTo("http://apicurio:8080/apis/ccompat/v7");
        assertThatThrownBy(() -> SchemaRegistryClient.of("apicurio:8080")).hasMessageContaining("'apicurio:8080'");
    }
}
