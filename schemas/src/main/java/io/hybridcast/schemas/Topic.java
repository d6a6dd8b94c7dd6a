package io.hybridcast.schemas;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

import java.util.Map;

/**
 * A Kafka topic with the serdes of its keys and values and the topic-level configs it needs.
 * All topics are declared once, in {@link Topics}.
 *
 * @param name        topic name
 * @param keySerde    serde of the record keys
 * @param valueSerde  serde of the record values
 * @param configs     topic configs set at creation (e.g. compaction), empty for broker defaults
 * @param <K>         key type
 * @param <V>         value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> configs) {

    /** The admin request that creates this topic. */
    public NewTopic newTopic(int partitions, short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }

    @Override
    public String toString() {
        return name;
    }
}
