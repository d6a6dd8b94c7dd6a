package io.hybridcast.schemas.registry;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema-registry wire format against a real Apicurio Registry (its Confluent-compatible API), as
 * docker-compose runs it; skipped where there is no Docker. A stock registry consumer's view is checked by
 * decoding with the registry's schema and plain Avro, no project code.
 */
@Testcontainers(disabledWithoutDocker = true)
class ApicurioRegistryWireFormatTest {

    /** The image and version docker-compose.yml runs. */
    @Container
    static final GenericContainer<?> APICURIO = new GenericContainer<>("apicurio/apicurio-registry:3.0.7")
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200));

    @AfterEach
    void backToTheDefault() {
        io.hybridcast.schemas.AvroSerde.useRegistry(null);
    }

    @Test
    void recordsAreFramedWithARegisteredIdAndReadableByAStockConsumer() throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.of("http://" + APICURIO.getHost() + ":"
                + APICURIO.getMappedPort(8080) + "/apis/ccompat/v7");
        SensorReading reading = SensorReading.newBuilder().setSensorId("pendulum-7").setSystem(SystemKind.PENDULUM)
                .setSequence(42).setEventTime(Instant.parse("2026-12-02T12:00:00Z")).setValues(List.of(0.25, -1.5))
                .build();
        byte[] singleObject = Topics.SENSOR_READINGS.valueSerde().serializer().serialize("sensor-readings", reading);

        io.hybridcast.schemas.AvroSerde.useRegistry(client);
        byte[] framed = Topics.SENSOR_READINGS.valueSerde().serializer().serialize("sensor-readings", reading);
        assertThat(framed[0]).isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(framed, 1, 4).getInt();

        // what any registry consumer does: fetch the writer schema by id (subject sensor-readings-value), decode
        Schema writer = client.schema(id);
        assertThat(writer.getFullName()).isEqualTo(SensorReading.getClassSchema().getFullName());
        GenericRecord stock = new GenericDatumReader<GenericRecord>(writer).read(null,
                DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
        assertThat(stock.get("sensorId").toString()).isEqualTo("pendulum-7");
        assertThat(stock.get("sequence")).isEqualTo(42L);
        assertThat(client.register("sensor-readings-value", SensorReading.getClassSchema())).isEqualTo(id);

        // the serde reads both framings, whatever it writes
        assertThat(Topics.SENSOR_READINGS.valueSerde().deserializer().deserialize("sensor-readings", framed))
                .isEqualTo(reading);
        assertThat(Topics.SENSOR_READINGS.valueSerde().deserializer().deserialize("sensor-readings", singleObject))
                .isEqualTo(reading);
    }
}
