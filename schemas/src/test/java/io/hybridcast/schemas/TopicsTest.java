package io.hybridcast.schemas;

import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {

    @Test
    void everyTopicHasAUniqueNameAndBothSerdes() {
        assertThat(Topics.all()).hasSize(6);
        assertThat(Topics.all().stream().map(Topic::name).distinct()).hasSize(Topics.all().size());
        for (Topic<?, ?> topic : Topics.all()) {
            assertThat(topic.keySerde()).as(topic.name()).isNotNull();
            assertThat(topic.valueSerde()).as(topic.name()).isNotNull();
        }
    }

    @Test
    void modelVersionsAreCompactedAndFitABundleChunk() {
        assertThat(Topics.MODEL_VERSIONS.configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(Topics.MODEL_VERSION_MAX_MESSAGE_BYTES));
        assertThat(Topics.MODEL_VERSIONS.newTopic(3, (short) 1).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
}
