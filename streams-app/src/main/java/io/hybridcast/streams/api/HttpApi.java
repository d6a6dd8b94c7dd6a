package io.hybridcast.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.errors.StreamThreadHealth;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.ModelSwapper;
import io.hybridcast.streams.topology.StoreNames;
import io.hybridcast.streams.scoring.LiveScore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTP API and dashboard, on the JDK's HTTP server, over Kafka Streams interactive queries. A sensor's
 * state lives on the instance that owns its partition: a request for it is answered locally or forwarded to
 * that instance (found through the streams metadata); fleet-wide lists gather every instance's local part.
 *
 * <pre>
 * GET /api/sensors?limit=&after=      a page of sensors in id order: status, counts; Link rel="next" while full
 * GET /api/sensors/{id}                one sensor
 * GET /api/sensors/{id}/forecast       its latest forecast
 * GET /api/sensors/{id}/zp             its z_p history (posterior and context prior per forecast)
 * GET /api/sensors/{id}/truth          the ground truth the simulator published for it (display and scoring only)
 * GET /api/sensors/{id}/anomalies      its recent anomalies with sentences
 * GET /api/sensors/{id}/series         recent actuals and open forecasts (the dashboard chart)
 * GET /api/sensors/{id}/score         live score against the simulator's ground truth (z_p error, precision, recall, delay)
 * GET /api/fleet                       (counted as the stores stream by, no sensor list) sensors by status, anomalies by kind, fleet-wide live score
 * GET /api/models                      model version in service per system, last refusal
 * GET /health, /ready                  liveness (DEGRADED / DOWN when stream threads fail); readiness
 * GET /metrics                         Prometheus
 * GET /                                the dashboard
 * </pre>
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCAL = "local=true";
    private static final int HTTP_THREADS = 16;

    static {
        // The JDK server reads a request's headers on an executor thread: without these, a few clients that open a
        // connection and never finish their request hold every thread, and /health no longer answers. Read once,
        // when the JDK's server classes load, so set here (unless the operator set them): seconds.
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "10");
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "60");
    }

    private final HttpServer server;
    private final StreamsSettings settings;
    private final ModelRegistry models;
    private final ModelSwapper swapper;
    private final Supplier<String> prometheus;
    private final PeerClient peers = new PeerClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
    /** This instance's own stores. */
    private final LocalQueries here;
    private volatile KafkaStreams streams;
    private volatile BooleanSupplier modelsCaughtUp = () -> true;
    private volatile StreamThreadHealth threadHealth = new StreamThreadHealth(java.time.Clock.systemUTC());

    public HttpApi(StreamsSettings settings, ModelRegistry models, ModelSwapper swapper, Supplier<String> prometheus)
            throws IOException {
        this.settings = settings;
        this.models = models;
        this.swapper = swapper;
        this.prometheus = prometheus;
        this.here = new LocalQueries(settings, () -> streams);
        this.server = HttpServer.create(new InetSocketAddress(settings.get(StreamsSettings.HTTP_HOST),
                settings.get(StreamsSettings.HTTP_PORT)), 64);
        server.createContext("/", this::handle);
        // Bounded: 16 threads and 256 queued exchanges. Beyond that an exchange is dropped (the JDK's dispatcher
        // does not expect the executor to throw) and its connection closed by the server's request timer, as is a
        // stalled client's: each holds a thread at most sun.net.httpserver.maxReqTime.
        server.setExecutor(new ThreadPoolExecutor(HTTP_THREADS, HTTP_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(256), r -> {
                    Thread t = new Thread(r, "http-api");
                    t.setDaemon(true);
                    return t;
                }, (exchange, pool) -> LOG.warn("HTTP API saturated ({} threads busy, {} queued): a request is dropped",
                        pool.getActiveCount(), pool.getQueue().size())));
    }

    public void start() {
        server.start();
        LOG.info("HTTP API and dashboard on http://{}:{}/", server.getAddress().getHostString(), port());
    }

    /** The bound port (useful with http.port = 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Attaches the running streams (the server starts before them so that application.server knows the port) and
     * the record of their thread failures that /health reports.
     */
    public void attach(KafkaStreams streams, BooleanSupplier modelsCaughtUp, StreamThreadHealth threadHealth) {
        this.threadHealth = threadHealth;
        this.streams = streams;
        this.modelsCaughtUp = modelsCaughtUp;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "only GET".getBytes(StandardCharsets.UTF_8));
                return;
            }
            // the raw path: getPath() decodes once, so an id's encoded '/' would split it and decoding again broke
            // ids with '+' or '%'; each segment is decoded exactly once, in route()
            String path = exchange.getRequestURI().getRawPath();
            boolean local = LOCAL.equals(exchange.getRequestURI().getQuery());
            try {
                route(exchange, path, local);
            } catch (PeerClient.PeerUnavailableException e) {
                // a peer mid-rebalance or restarting: the client may retry, as for a store not yet queryable
                exchange.getResponseHeaders().set("Retry-After", "1");
                json(exchange, 503, Map.of("error", e.getMessage() + "; retry shortly"));
            } catch (InvalidStateStoreException e) {
                json(exchange, 503, Map.of("error", "state is not queryable right now (" + e.getMessage()
                        + "); retry shortly"));
            } catch (IllegalArgumentException e) {
                json(exchange, 400, Map.of("error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("HTTP {} failed", path, e);
                json(exchange, 500, Map.of("error", e.toString()));
            }
        }
    }

    private void route(HttpExchange exchange, String path, boolean local) throws IOException {
        if (path.equals("/") || path.equals("/index.html")) {
            resource(exchange, "io/hybridcast/streams/dashboard/index.html", "text/html; charset=utf-8");
        } else if (path.startsWith("/webjars/")) {
            String file = path.substring("/webjars/".length());
            if (file.contains("..")) {
                send(exchange, 400, "text/plain", new byte[0]);
                return;
            }
            resource(exchange, "META-INF/resources/webjars/" + file,
                    file.endsWith(".js") ? "text/javascript" : "application/octet-stream");
        } else if (path.equals("/metrics")) {
            send(exchange, 200, "text/plain; version=0.0.4", prometheus.get().getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/health")) {
            KafkaStreams.State state = streams == null ? null : streams.state();
            // DEGRADED (a stream thread failed lately) stays 200; DOWN (failing repeatedly, or not running) is 503
            Map<String, Object> health = threadHealth.view(state);
            json(exchange, StreamThreadHealth.Status.DOWN.name().equals(health.get("status")) ? 503 : 200, health);
        } else if (path.equals("/ready")) {
            KafkaStreams.State state = streams == null ? null : streams.state();
            boolean ready = state == KafkaStreams.State.RUNNING && modelsCaughtUp.getAsBoolean();
            json(exchange, ready ? 200 : 503, Map.of("ready", ready, "streams", String.valueOf(state),
                    "modelVersionsRead", modelsCaughtUp.getAsBoolean()));
        } else if (path.equals("/api/models")) {
            json(exchange, 200, modelsView());
        } else if (path.equals("/api/sensors")) {
            Map<String, String> params = SensorPages.query(exchange.getRequestURI().getRawQuery(),
                    Set.of("local", "limit", "after"));
            SensorPages.Request page = SensorPages.request(params);
            List<Map<String, Object>> sensors = "true".equals(params.get("local")) ? here.localSensors(page)
                    : gatherSensors(page);
            String next = SensorPages.nextAfter(sensors, page.limit());
            if (next != null) {
                exchange.getResponseHeaders().set("Link", "</api/sensors?limit=" + page.limit() + "&after="
                        + encode(next) + ">; rel=\"next\"");
            }
            json(exchange, 200, sensors);
        } else if (path.equals("/api/fleet")) {
            local = "true".equals(SensorPages.query(exchange.getRequestURI().getRawQuery(), Set.of("local"))
                    .get("local"));
            Map<String, Object> fleet = local ? here.localFleet() : gatherFleet();
            LiveScore.Totals totals = local ? here.localScore() : gatherScore();
            fleet.put("score", totals.view());
            fleet.put("quality", totals.quality());
            json(exchange, 200, fleet);
        } else if (path.equals("/api/score")) {
            json(exchange, 200, local ? here.localScore() : gatherScore());
        } else if (path.startsWith("/api/sensors/")) {
            String[] parts = path.substring("/api/sensors/".length()).split("/");
            String id = PathSegments.decode(parts[0]);
            String what = parts.length > 1 ? parts[1] : "";
            HostInfo owner = local ? null : ownerOf(id);
            if (owner != null && !owner.equals(self())) {
                forward(exchange, owner, path);
                return;
            }
            Object body = here.sensorPart(id, what);
            if (body == null) {
                json(exchange, 404, Map.of("error", "no " + (what.isEmpty() ? "state" : what) + " for sensor " + id));
            } else {
                json(exchange, 200, body);
            }
        } else {
            json(exchange, 404, Map.of("error", "no such path " + path));
        }
    }

    private LiveScore.Totals gatherScore() throws IOException {
        LiveScore.Totals totals = here.localScore();
        for (StreamsMetadata instance : streams.streamsMetadataForStore(StoreNames.SENSOR_STATE)) {
            if (!instance.hostInfo().equals(self())) {
                totals.add(JSON.readValue(peers.fetch(instance.hostInfo(), "/api/score?" + LOCAL), LiveScore.Totals.class));
            }
        }
        return totals;
    }

    /** A page of every instance's sensors: each instance answers at most one page, merged here. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> gatherSensors(SensorPages.Request page) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>(here.localSensors(page));
        String query = "/api/sensors?" + LOCAL + "&limit=" + page.limit()
                + (page.after() == null ? "" : "&after=" + encode(page.after()));
        for (StreamsMetadata instance : streams.streamsMetadataForStore(StoreNames.SENSOR_STATE)) {
            if (instance.hostInfo().equals(self())) {
                continue;
            }
            out.addAll(JSON.readValue(peers.fetch(instance.hostInfo(), query), List.class));
        }
        return SensorPages.merge(out, page.limit());
    }

    /** The fleet counts of every instance, each counted where its sensors live: no sensor list travels. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> gatherFleet() throws IOException {
        Map<String, Object> fleet = here.localFleet();
        for (StreamsMetadata instance : streams.streamsMetadataForStore(StoreNames.SENSOR_STATE)) {
            if (instance.hostInfo().equals(self())) {
                continue;
            }
            Map<String, Object> other = JSON.readValue(peers.fetch(instance.hostInfo(), "/api/fleet?" + LOCAL), Map.class);
            fleet.merge("sensors", ((Number) other.get("sensors")).longValue(), (a, b) -> (Long) a + (Long) b);
            for (String part : List.of("byStatus", "anomaliesByKind")) {
                Map<String, Long> mine = (Map<String, Long>) fleet.get(part);
                ((Map<String, Object>) other.get(part)).forEach((k, n) ->
                        mine.merge(k, ((Number) n).longValue(), Long::sum));
            }
        }
        return fleet;
    }

    /** Percent-encodes a query value so that {@link PathSegments#decode} gives it back ({@code +} stays plus). */
    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Map<String, Object> modelsView() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SystemKind kind : settings.servedSystems()) {
            Map<String, Object> m = new LinkedHashMap<>();
            long version = models.version(kind);
            m.put("version", version < 0 ? null : version);
            m.put("algorithm", models.algorithm(kind));
            m.put("status", version < 0 ? "waiting for a model" : "serving");
            m.put("lastRefusal", swapper == null ? null : swapper.lastRefusal(kind));
            out.put(kind.name(), m);
        }
        return out;
    }

    private HostInfo self() {
        return new HostInfo(settings.get(StreamsSettings.HTTP_HOST), port());
    }

    private HostInfo ownerOf(String sensorId) {
        if (streams == null) {
            return null;
        }
        KeyQueryMetadata meta = streams.queryMetadataForKey(StoreNames.SENSOR_STATE, sensorId,
                Serdes.String().serializer());
        return meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE) ? null : meta.activeHost();
    }

    private void forward(HttpExchange exchange, HostInfo owner, String path) throws IOException {
        String body = peers.fetch(owner, path + "?" + LOCAL);
        send(exchange, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private void resource(HttpExchange exchange, String name, String type) throws IOException {
        try (InputStream in = HttpApi.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                json(exchange, 404, Map.of("error", "no such file"));
                return;
            }
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
