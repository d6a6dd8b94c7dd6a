package io.hybridcast.streams.api;

import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads another instance's local part of the API (a sensor it owns, its share of a fleet-wide list). Any failure
 * of the peer (not listening yet, mid-rebalance, answering an error, too slow) becomes a
 * {@link PeerUnavailableException}, so that the caller answers 503 with the reason instead of dropping its own
 * client's connection.
 */
final class PeerClient {

    private final HttpClient client;
    private final Duration requestTimeout;

    PeerClient(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.requestTimeout = requestTimeout;
    }

    /** The body of a 200 answer from {@code host}; anything else throws {@link PeerUnavailableException}. */
    String fetch(HostInfo host, String pathAndQuery) {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery);
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PeerUnavailableException(host, "did not answer (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerUnavailableException(host, "was not asked: interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new PeerUnavailableException(host, "answered " + response.statusCode() + ": " + response.body(), null);
        }
        return response.body();
    }

    /** Another instance could not give its part of an answer; the request may succeed when retried. */
    static final class PeerUnavailableException extends RuntimeException {
        PeerUnavailableException(HostInfo host, String what, Throwable cause) {
            super("instance " + host.host() + ":" + host.port() + " " + what, cause);
        }
    }
}
