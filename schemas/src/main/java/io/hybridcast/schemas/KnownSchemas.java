package io.hybridcast.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The "registry" of this registry-free design: every writer schema a reader may meet, by fingerprint.
 *
 * <p>Single-object encoding puts only the writer schema's 64-bit fingerprint in each message, so a reader
 * must know the writer's full schema to resolve it against its own. The current schemas are known from the
 * generated classes; older and newer versions are kept as {@code .avsc} files under the classpath folder
 * {@value #HISTORY_FOLDER}, listed in its {@code index.txt}, and can also be registered at run time.
 */
public final class KnownSchemas {

    /** Classpath folder holding every published schema version that is not the current one. */
    public static final String HISTORY_FOLDER = "io/hybridcast/schemas/history/";

    private static final KnownSchemas SHARED = loadHistory();

    private final SchemaStore.Cache cache = new SchemaStore.Cache();

    private KnownSchemas() {
    }

    /** The process-wide store, preloaded with every schema version in {@value #HISTORY_FOLDER}. */
    public static KnownSchemas shared() {
        return SHARED;
    }

    /** A store that knows no schema beyond a reader's own (for tests and tools that register their own). */
    public static KnownSchemas empty() {
        return new KnownSchemas();
    }

    /** Adds a writer schema version; safe to call more than once with the same schema. */
    public KnownSchemas register(Schema schema) {
        synchronized (cache) {
            cache.addSchema(schema);
        }
        return this;
    }

    /** The store to hand to an Avro {@code BinaryMessageDecoder}. */
    public SchemaStore store() {
        return fingerprint -> {
            synchronized (cache) {
                return cache.findByFingerprint(fingerprint);
            }
        };
    }

    /** CRC-64-AVRO fingerprint of a schema, as written into single-object encoded messages. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static KnownSchemas loadHistory() {
        KnownSchemas known = new KnownSchemas();
        ClassLoader loader = KnownSchemas.class.getClassLoader();
        for (String file : historyIndex(loader)) {
            try (InputStream in = loader.getResourceAsStream(HISTORY_FOLDER + file)) {
                if (in == null) {
                    throw new IllegalStateException("Schema history index names " + file
                            + " but " + HISTORY_FOLDER + file + " is not on the classpath");
                }
                known.register(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history file " + file, e);
            }
        }
        return known;
    }

    private static List<String> historyIndex(ClassLoader loader) {
        List<String> files = new ArrayList<>();
        try (InputStream in = loader.getResourceAsStream(HISTORY_FOLDER + "index.txt")) {
            if (in == null) {
                return files;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    files.add(name);
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + HISTORY_FOLDER + "index.txt", e);
        }
    }
}
