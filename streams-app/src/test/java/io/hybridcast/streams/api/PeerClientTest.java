package io.hybridcast.streams.api;

import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way a peer can fail its part of an answer surfaces as one retryable exception naming the peer. */
class PeerClientTest {

    private final PeerClient peers = new PeerClient(Duration.ofSeconds(1), Duration.ofSeconds(1));

    @Test
    void returnsTheBodyOfA200() throws Exception {
        HttpServer server = answering(200, "[1,2]", 0);
        try {
            assertThat(peers.fetch(new HostInfo("127.0.0.1", server.getAddress().getPort()), "/api/x")).isEqualTo("[1,2]");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPeerNotListeningIsUnavailable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        HostInfo host = new HostInfo("127.0.0.1", port);
        assertThatThrownBy(() -> peers.fetch(host, "/api/fleet?local=true"))
                .isInstanceOf(PeerClient.PeerUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("did not answer");
    }

    @Test
    void aPeerAnsweringAnErrorIsUnavailableWithItsAnswer() throws Exception {
        HttpServer server = answering(503, "{\"error\":\"rebalancing\"}", 0);
        try {
            HostInfo host = new HostInfo("127.0.0.1", server.getAddress().getPort());
            assertThatThrownBy(() -> peers.fetch(host, "/api/fleet?local=true"))
                    .isInstanceOf(PeerClient.PeerUnavailableException.class)
                    .hasMessageContaining("answered 503").hasMessageContaining("rebalancing");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPeerTooSlowIsUnavailable() throws Exception {
        HttpServer server = answering(200, "late", 3_000);
        try {
            HostInfo host = new HostInfo("127.0.0.1", server.getAddress().getPort());
            assertThatThrownBy(() -> peers.fetch(host, "/api/fleet?local=true"))
                    .isInstanceOf(PeerClient.PeerUnavailableException.class).hasMessageContaining("did not answer");
        } finally {
            server.stop(0);
        }
    }

    private static HttpServer answering(int status, String body, long delayMs) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            try (exchange) {
                Thread.sleep(delayMs);
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }
}
