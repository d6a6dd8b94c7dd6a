package io.hybridcast.schemas;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped self-contained schemas are current, parse alone, and are the schemas the topics are written with. */
class StandaloneSchemasTest {

    @Test
    void eachTopicValueHasACurrentSelfContainedSchema() throws IOException {
        for (Topic<?, ?> topic : Topics.all()) {
            String file = StandaloneSchemas.FOLDER + topic.name() + ".avsc";
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(file)) {
                assertThat(in).as("%s is missing: run java -cp <schemas classpath> "
                        + "io.hybridcast.schemas.StandaloneSchemas from the repository", file).isNotNull();
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(text).as("%s is out of date: run io.hybridcast.schemas.StandaloneSchemas", file)
                        .isEqualTo(StandaloneSchemas.render().get(topic.name()));
                // alone, with a parser that knows no other type
                Schema alone = new Schema.Parser().parse(text);
                assertThat(KnownSchemas.fingerprint(alone))
                        .isEqualTo(KnownSchemas.fingerprint(StandaloneSchemas.valueSchema(topic)));
            }
        }
    }
}
