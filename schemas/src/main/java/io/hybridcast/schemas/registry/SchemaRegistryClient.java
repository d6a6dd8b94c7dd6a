package io.hybridcast.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of a schema registry with the Confluent-compatible REST API (Confluent Schema Registry, Apicurio
 * Registry's {@code /apis/ccompat/v7}, Karapace): registers a value schema under its subject and fetches a
 * schema by id, both cached for the life of the process (ids are immutable). No Confluent library is involved:
 * they are not on Maven Central, and the two calls are plain HTTP + JSON.
 */
public final class SchemaRegistryClient {

    /** The environment variable every service reads for its registry URL (like HYBRIDCAST_KAFKA_CONFIG). */
    public static final String ENVIRONMENT_VARIABLE = "HYBRIDCAST_SCHEMA_REGISTRY_URL";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Distinct schema ids a process may look up: bounds the cache against records naming random ids. */
    private static final int MAX_CACHED_IDS = 10_000;

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    private SchemaRegistryClient(URI base) {
        this.base = base;
    }

    /**
     * A client of the registry at {@code url} (e.g. {@code http://localhost:8081} or
     * {@code http://apicurio:8080/apis/ccompat/v7}); a URL that is not absolute http(s) is an
     * {@link IllegalArgumentException} naming it.
     */
    public static SchemaRegistryClient of(String url) {
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schema registry URL '" + url + "' is not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("schema registry URL '" + url + "' must be an absolute http(s) URL, "
                    + "e.g. http://localhost:8081 or http://apicurio:8080/apis/ccompat/v7");
        }
        return new SchemaRegistryClient(uri);
    }

    /** A client of {@code url}, or null when it is empty (no registry: single-object encoding). */
    public static SchemaRegistryClient ofOrNone(String url) {
        return url == null || url.isBlank() ? null : of(url.strip());
    }

    /** The registry's base URL. */
    public URI url() {
        return base;
    }

    /** The id of {@code schema} under {@code subject}, registering it if it is new there. */
    public int register(String subject, Schema schema) {
        String key = subject + '\n' + schema.toString();
        Integer id = idsBySubjectAndSchema.get(key);
        if (id != null) {
            return id;
        }
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new SerializationException("cannot write schema JSON", e);
        }
        JsonNode answer = call(HttpRequest.newBuilder(resolve("/subjects/" + encode(subject) + "/versions"))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)), "register the schema of subject " + subject);
        id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SerializationException("Schema registry " + base + " answered no id registering subject "
                    + subject + ": " + answer);
        }
        idsBySubjectAndSchema.put(key, id);
        return id;
    }

    /** The schema with this id, or null when the registry has none with it. */
    public Schema schema(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call(HttpRequest.newBuilder(resolve("/schemas/ids/" + id)).GET(), "fetch schema id " + id);
        if (answer == null) {
            return null;
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(answer.path("schema").asText());
        } catch (RuntimeException e) {
            throw new SerializationException("Schema registry " + base + " returned no Avro schema for id " + id
                    + ": " + e.getMessage(), e);
        }
        if (schemasById.size() < MAX_CACHED_IDS) {
            schemasById.put(id, schema);
        }
        return schema;
    }

    private URI resolve(String path) {
        return URI.create(base + path);
    }

    private JsonNode call(HttpRequest.Builder request, String what) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10))
                    .header("Accept", CONTENT_TYPE + ", application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404 && request.build().method().equals("GET")) {
                return null; // no such schema id: the record is at fault, not the registry
            }
            if (response.statusCode() / 100 != 2) {
                throw new SerializationException("Schema registry " + base + " refused to " + what + ": HTTP "
                        + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SerializationException("Cannot reach the schema registry " + base + " (schema.registry.url) to "
                    + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SerializationException("Interrupted while asking the schema registry " + base + " to " + what, e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
