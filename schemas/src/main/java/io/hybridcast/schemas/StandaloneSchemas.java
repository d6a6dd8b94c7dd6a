package io.hybridcast.schemas;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One self-contained schema per topic value, for consumers outside this build (avro-tools, other languages): the
 * {@code .avsc} sources reference each other's named types, so none of them parses alone. Each file here has every
 * named type inlined at its first use; the fingerprint is the same as the source's. The files are checked in under
 * {@value #FOLDER} (on the classpath, and so in the jar); {@code StandaloneSchemasTest} fails when one is out of
 * date, naming this command: {@code java -cp <schemas classpath> io.hybridcast.schemas.StandaloneSchemas}.
 */
public final class StandaloneSchemas {

    /** Where the files are, under {@code schemas/src/main/resources}: {@code <topic>.avsc}. */
    public static final String FOLDER = "io/hybridcast/schemas/standalone/";

    private StandaloneSchemas() {
    }

    /** The value schema of each topic, by topic name, as self-contained pretty JSON. */
    public static Map<String, String> render() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Topic<?, ?> topic : Topics.all()) {
            out.put(topic.name(), valueSchema(topic).toString(true) + "\n");
        }
        return out;
    }

    /** The value schema of a topic. */
    public static Schema valueSchema(Topic<?, ?> topic) {
        return SpecificData.get().getSchema(((AvroSerde<?>) topic.valueSerde()).type());
    }

    /** Writes the files into {@code args[0]} (default: this module's resources folder, run from the repository). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "schemas/src/main/resources/" + FOLDER);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : render().entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".avsc"), e.getValue(), StandardCharsets.UTF_8);
        }
    }
}
