package io.hybridcast.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Writes, beside a run's summary, each sensor's live score with its confusion table alarm by alarm
 * ({@code /api/sensors/{id}/score}) and the truth it was scored against ({@code /truth}), so that a run's alarms
 * can be read one by one after the stack is gone: {@code {"<sensor>": {"score": ..., "truth": [...]}, ...}}.
 */
final class AlarmTables {

    private static final Logger LOG = LoggerFactory.getLogger(AlarmTables.class);

    private AlarmTables() {
    }

    static void write(int httpPort, Collection<String> sensorIds, Path file) {
        HttpClient client = HttpClient.newHttpClient();
        StringBuilder json = new StringBuilder("{");
        try {
            for (String id : new TreeSet<>(sensorIds)) {
                String base = "http://127.0.0.1:" + httpPort + "/api/sensors/"
                        + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
                json.append(json.length() > 1 ? ",\n" : "\n").append('"').append(id).append("\": {\"score\": ")
                        .append(jsonOrNull(client, base + "/score")).append(", \"truth\": ")
                        .append(jsonOrNull(client, base + "/truth")).append('}');
            }
            Files.writeString(file, json.append("\n}\n").toString());
            LOG.info("Alarm tables written to {}", file.toAbsolutePath());
        } catch (IOException e) {
            LOG.warn("Could not write the alarm tables: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String jsonOrNull(HttpClient client, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && !r.body().isBlank() ? r.body() : "null";
    }
}
