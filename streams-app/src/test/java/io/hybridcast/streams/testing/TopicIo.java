package io.hybridcast.streams.testing;

import io.hybridcast.schemas.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Properties;

/** Writes records to a real broker through the topics' own serdes, as the tests' producers do. */
public final class TopicIo {

    private TopicIo() {
    }

    /** A byte-level producer: each send encodes key and value with its topic's serdes. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one record and waits until the broker has it. */
    public static <K, V> void send(KafkaProducer<byte[], byte[]> producer, Topic<K, V> topic, K key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value))).get();
    }
}
