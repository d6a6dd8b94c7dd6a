package io.hybridcast.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.StreamsService;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopicIo;
import io.hybridcast.streams.testing.TopologyFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import org.assertj.core.api.InstanceOfAssertFactories;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) opens the page served by a running streams app on a real broker, with a real
 * model version and the simulator's kind of ground truth on {@code sensor-truth}, and must show the sensor in the
 * fleet table, draw its forecast line, its sensor-level estimate with the 95 % interval and the truth line, list
 * an injected spike in the anomaly timeline and show the fleet's live score as {@code /api/fleet} has it. Skipped,
 * with the reason, where no Chromium is installed ({@code HYBRIDCAST_CHROMIUM} and
 * {@code HYBRIDCAST_CHROMEDRIVER} override the paths).
 */
class DashboardBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHROMIUM = System.getenv().getOrDefault("HYBRIDCAST_CHROMIUM", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getenv().getOrDefault("HYBRIDCAST_CHROMEDRIVER", "/usr/bin/chromedriver");

    /**
     * Counts, inside the forecast chart's plot area (the legend excluded), the pixels painted in the forecast
     * line's colour (#1e64dc); -1 while the chart or its forecast dataset does not exist yet.
     */
    static final String FORECAST_PIXELS = """
            const canvas = document.getElementById('forecastChart');
            const chart = window.Chart && Chart.getChart(canvas);
            if (!chart) return -1;
            const forecast = chart.data.datasets.find(d => d.label.startsWith('forecast (model v'));
            if (!forecast || forecast.data.length === 0) return -1;
            const a = chart.chartArea, ratio = window.devicePixelRatio || 1;
            const x = Math.floor(a.left * ratio), y = Math.floor(a.top * ratio);
            const w = Math.floor((a.right - a.left) * ratio), h = Math.floor((a.bottom - a.top) * ratio);
            const px = canvas.getContext('2d').getImageData(x, y, w, h).data;
            let n = 0;
            for (let i = 0; i < px.length; i += 4) {
              if (Math.abs(px[i] - 30) < 16 && Math.abs(px[i + 1] - 100) < 16 && Math.abs(px[i + 2] - 220) < 16
                  && px[i + 3] > 200) n++;
            }
            return n;
            """;

    /**
     * Counts, inside the plot area of chart {@code arguments[0]}, the pixels painted in colour
     * {@code arguments[2..4]} (RGB); -1 while the chart or a non-empty dataset whose label starts with
     * {@code arguments[1]} does not exist yet.
     */
    static final String DATASET_PIXELS = """
            const canvas = document.getElementById(arguments[0]);
            const chart = window.Chart && Chart.getChart(canvas);
            if (!chart) return -1;
            const set = chart.data.datasets.find(d => d.label.startsWith(arguments[1]));
            if (!set || set.data.length === 0) return -1;
            const a = chart.chartArea, ratio = window.devicePixelRatio || 1;
            const x = Math.floor(a.left * ratio), y = Math.floor(a.top * ratio);
            const w = Math.floor((a.right - a.left) * ratio), h = Math.floor((a.bottom - a.top) * ratio);
            const px = canvas.getContext('2d').getImageData(x, y, w, h).data;
            let n = 0;
            for (let i = 0; i < px.length; i += 4) {
              if (Math.abs(px[i] - arguments[2]) < 16 && Math.abs(px[i + 1] - arguments[3]) < 16
                  && Math.abs(px[i + 2] - arguments[4]) < 16 && px[i + 3] > 200) n++;
            }
            return n;
            """;

    /**
     * A snapshot of panel {@code arguments[0]} (the page redraws every second, so it is read in one script): per
     * cell with a data-key, its text and data attributes; null while the panel has none.
     */
    static final String PANEL = """
            const cells = document.querySelectorAll('#' + arguments[0] + ' td[data-key]');
            if (!cells.length) return null;
            const out = {};
            for (const td of cells) out[td.dataset.key] = { text: td.textContent, value: td.dataset.value ?? null,
                lower: td.dataset.lower ?? null, upper: td.dataset.upper ?? null };
            return out;
            """;

    /** The cells' texts of the first anomaly timeline row with detail {@code arguments[0]}; null while none. */
    static final String TIMELINE_ROW = """
            const row = [...document.querySelectorAll('#timeline tbody tr')].find(r => r.dataset.detail === arguments[0]);
            return row ? [...row.querySelectorAll('td')].map(td => td.textContent) : null;
            """;

    static final double TRUE_OMEGA = 2.1;
    /** Readings before the spike: past the first minute (1200 samples of 50 ms) that z_p is scored after. */
    static final int HEALTHY = 1300;

    @Test
    void theDashboardDrawsTheForecastOfALiveSensor(@TempDir Path stateDir, @TempDir Path browserProfile)
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "no headless browser: install Debian's chromium and chromium-driver (as .ci/run does)");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            try (Admin admin = broker.createAdmin()) {
                Topics.createAll(admin, 1);
            }
            StreamsSettings settings = StreamsSettings.fromMap(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(),
                    "application.id", "dashboard-browser-" + System.nanoTime(),
                    "state.dir", stateDir.toString(), "http.port", "0",
                    "pendulum.window.length", String.valueOf(TinyModels.WINDOW), "pendulum.hop", "5",
                    "pendulum.context.windows", "2", "pendulum.horizon", String.valueOf(TinyModels.HORIZON),
                    "model.allow.unsigned", "true"), "test");
            try (StreamsService service = StreamsService.start(settings, new BundleModelLoader());
                 KafkaProducer<byte[], byte[]> producer = TopicIo.producer(broker.bootstrapServers())) {
                String base = "http://127.0.0.1:" + service.httpPort();
                TopicIo.send(producer, Topics.MODEL_VERSIONS, Topics.modelVersionKey(TinyModels.pendulumVersion(10, null)),
                        TinyModels.pendulumVersion(10, null));
                // a sensor is forecast when a hop completes with a model in service: load the model first
                awaitBody(base + "/api/models", body -> body.contains("\"version\":10"), Duration.ofSeconds(60));
                Instant start = Instant.now().minusSeconds(90);
                // the truth as the simulator publishes it: omega for the whole run, open-ended
                TopicIo.send(producer, Topics.SENSOR_TRUTH, "browser-1", truth(0, null, Map.of("omega", TRUE_OMEGA),
                        null, "healthy", start));
                sendReadings(producer, start, 0, HEALTHY, -1);
                awaitOk(base + "/api/sensors/browser-1/forecast", Duration.ofSeconds(60));
                awaitBody(base + "/api/sensors/browser-1", body -> body.contains("\"lastSequence\":" + (HEALTHY - 1)),
                        Duration.ofSeconds(120));

                ChromeDriverService driverService = new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
                ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments(
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                        "--user-data-dir=" + browserProfile);
                ChromeDriver browser = new ChromeDriver(driverService, options);
                try {
                    browser.get(base + "/");
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                    wait.withMessage("the models line names PENDULUM v10")
                            .until(b -> b.findElement(By.id("models")).getText().contains("PENDULUM v10"));
                    wait.withMessage("the fleet table lists browser-1").until(b -> b.findElements(By.cssSelector("#sensors tbody tr")).stream()
                            .anyMatch(row -> row.getText().startsWith("browser-1")));
                    long pixels = wait.withMessage("the forecast line is drawn in the plot area").until(b -> {
                        Object n = ((JavascriptExecutor) b).executeScript(FORECAST_PIXELS);
                        return n instanceof Number v && v.longValue() > 0 ? v.longValue() : null;
                    });
                    // a drawn line of 10 forecast steps across the plot area is hundreds of pixels wide and 2 high
                    assertThat(pixels).isGreaterThan(100);
                    // the title names the sensor and its sensor-level estimate with the 95 % interval
                    assertThat(browser.findElement(By.id("title")).getText()).startsWith("Sensor browser-1: omega = ")
                            .containsPattern("\\(95 % -?[0-9.]+ to [0-9.]+\\)");
                    Object labels = ((JavascriptExecutor) browser).executeScript(
                            "return Chart.getChart(document.getElementById('forecastChart')).data.datasets.map(d => d.label)");
                    assertThat(labels).asInstanceOf(InstanceOfAssertFactories.LIST).contains("actual", "band low", "band high", "forecast (model v10)");

                    assertEstimateAndTruth(browser, wait, base);

                    // the spike is not there before it is injected, and is listed once it is
                    assertThat(browser.executeScript(TIMELINE_ROW, "spike")).isNull();
                    TopicIo.send(producer, Topics.SENSOR_TRUTH, "browser-1", truth(HEALTHY, (long) HEALTHY,
                            Map.of(), FaultKind.SPIKE, "spike on theta", start.plusMillis(50L * HEALTHY)));
                    sendReadings(producer, start, HEALTHY, HEALTHY + 40, HEALTHY);
                    @SuppressWarnings("unchecked")
                    List<String> cells = (List<String>) wait.withMessage("the anomaly timeline lists the injected spike")
                            .until(b -> ((JavascriptExecutor) b).executeScript(TIMELINE_ROW, "spike"));
                    assertThat(cells.get(0)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
                    assertThat(cells.subList(1, 4)).containsExactly("sensor fault", "spike", "#" + HEALTHY);
                    assertThat(cells.get(4)).startsWith("Spike: theta jumped to 2.5");

                    awaitBody(base + "/api/sensors/browser-1", body -> body.contains("\"lastSequence\":" + (HEALTHY + 39)),
                            Duration.ofSeconds(60));
                    assertFleetScore(browser, wait, base);
                } finally {
                    browser.quit();
                }
            }
        }
    }

    /** A pendulum swinging at {@link #TRUE_OMEGA}, sequences [from, to), with a spike to 2.5 rad at {@code spikeAt}. */
    static void sendReadings(KafkaProducer<byte[], byte[]> producer, Instant start, int from, int to, int spikeAt)
            throws Exception {
        for (long s = from; s < to; s++) {
            double theta = s == spikeAt ? 2.5 : 0.8 * Math.cos(TRUE_OMEGA * 0.05 * s);
            SensorReading r = TopologyFixture.reading("browser-1", SystemKind.PENDULUM, s, theta);
            r.setEventTime(start.plusMillis(50 * s));
            TopicIo.send(producer, Topics.SENSOR_READINGS, "browser-1", r);
        }
    }

    static SensorTruth truth(long from, Long to, Map<String, Double> physics, FaultKind fault, String description,
                             Instant at) {
        return SensorTruth.newBuilder().setSensorId("browser-1").setSystem(SystemKind.PENDULUM).setFromSequence(from)
                .setToSequence(to).setPhysics(physics).setUnmodelled(Map.of()).setFault(fault)
                .setDescription(description).setPublishedAt(at).build();
    }

    /**
     * The estimate panel shows the sensor-level estimate and 95 % interval the API has for the sensor, and the
     * truth; the z_p chart draws the truth as a line of its own.
     */
    @SuppressWarnings("unchecked")
    static void assertEstimateAndTruth(ChromeDriver browser, WebDriverWait wait, String base) throws Exception {
        // readings have stopped: the newest estimate no longer changes
        List<Map<String, Object>> physics = (List<Map<String, Object>>) JSON.readValue(
                get(base + "/api/sensors/browser-1"), Map.class).get("physics");
        assertThat(physics).hasSize(1);
        Map<String, Object> omega = physics.get(0);
        double apiMean = ((Number) omega.get("mean")).doubleValue();
        Map<String, Map<String, String>> panel = (Map<String, Map<String, String>>) wait
                .withMessage("the estimate panel shows the API's newest estimate " + omega).until(b -> {
                    Map<String, Map<String, String>> m = (Map<String, Map<String, String>>)
                            ((JavascriptExecutor) b).executeScript(PANEL, "estimate");
                    return m != null && m.containsKey("mean")
                            && Math.abs(Double.parseDouble(m.get("mean").get("value")) - apiMean) < 1e-9 ? m : null;
                });
        double lower = Double.parseDouble(panel.get("interval").get("lower"));
        double upper = Double.parseDouble(panel.get("interval").get("upper"));
        assertThat(lower).isCloseTo(((Number) omega.get("lower95")).doubleValue(), within(1e-9));
        assertThat(upper).isCloseTo(((Number) omega.get("upper95")).doubleValue(), within(1e-9));
        assertThat(lower).isLessThan(upper);
        assertThat(panel.get("interval").get("text")).matches("-?[0-9.e+-]+ to -?[0-9.e+-]+");
        assertThat(panel.get("name").get("text")).isEqualTo("omega");
        assertThat(panel.get("truth").get("text")).isEqualTo("2.10");

        List<Object> truthLine = (List<Object>) browser.executeScript("const c = Chart.getChart(document.getElementById('zpChart'));"
                + "const d = c.data.datasets.find(d => d.label === 'omega truth'); return d ? d.data.map(p => p.y) : null");
        assertThat(truthLine).isNotEmpty().allSatisfy(y -> assertThat(((Number) y).doubleValue()).isEqualTo(TRUE_OMEGA));
        long pixels = wait.withMessage("the truth line (#e07000) is drawn in the z_p plot area").until(b -> {
            Object n = ((JavascriptExecutor) b).executeScript(DATASET_PIXELS, "zpChart", "omega truth", 224, 112, 0);
            return n instanceof Number v && v.longValue() > 0 ? v.longValue() : null;
        });
        assertThat(pixels).isGreaterThan(100);
    }

    /** The fleet score panel shows every figure of /api/fleet "quality", and the ones this run can score are set. */
    @SuppressWarnings("unchecked")
    static void assertFleetScore(ChromeDriver browser, WebDriverWait wait, String base) throws Exception {
        Map<String, Object> first = fleetQuality(base);
        // what this run scores: the sensor-level z_p after the first minute, the spike, the forecasts
        for (String key : List.of("zp_rel_err.PENDULUM", "zp_coverage_95", "precision", "recall",
                "detection_delay_ms", "alarms_per_sensor_hour", "forecast_skill.PENDULUM", "band_coverage_95")) {
            assertThat(first.get(key)).as(key).isInstanceOf(Number.class);
        }
        assertThat(((Number) first.get("recall")).doubleValue()).isEqualTo(1.0);
        // the API and the page are read in the same poll: a late anomaly commit may still move the score
        Map<String, Object>[] api = new Map[] {first};
        Map<String, Map<String, String>>[] page = new Map[1];
        Map<String, Map<String, String>> shown = (Map<String, Map<String, String>>) wait
                .withMessage(() -> "the fleet score panel shows /api/fleet's quality " + api[0] + "; page: " + page[0])
                .until(b -> {
                    Map<String, Map<String, String>> m = (Map<String, Map<String, String>>)
                            ((JavascriptExecutor) b).executeScript(PANEL, "quality");
                    Map<String, Object> flat;
                    try {
                        flat = fleetQuality(base);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    api[0] = flat;
                    page[0] = m;
                    boolean same = m != null && m.keySet().equals(flat.keySet()) && flat.entrySet().stream().allMatch(e -> {
                        String value = m.get(e.getKey()).get("value");
                        return e.getValue() == null ? value == null && m.get(e.getKey()).get("text").equals("–")
                                : value != null && Math.abs(Double.parseDouble(value)
                                - ((Number) e.getValue()).doubleValue()) < 1e-9;
                    });
                    return same ? m : null;
                });
        Map<String, Object> flat = api[0];
        // and as people read it: a percentage for a rate
        assertThat(shown.get("recall").get("text")).isEqualTo("100.0 %");
        assertThat(Double.parseDouble(shown.get("band_coverage_95").get("text").replace(" %", "")))
                .isCloseTo(100 * ((Number) flat.get("band_coverage_95")).doubleValue(), within(0.051));
    }

    /** /api/fleet "quality", flattened to "figure.system" keys, without the figures nothing scores yet. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> fleetQuality(String base) throws Exception {
        Map<String, Object> quality = (Map<String, Object>) JSON.readValue(get(base + "/api/fleet"), Map.class)
                .get("quality");
        Map<String, Object> flat = new java.util.TreeMap<>();
        quality.forEach((k, v) -> {
            if (v instanceof Map<?, ?> bySystem) {
                bySystem.forEach((sys, x) -> flat.put(k + "." + sys, x));
            } else {
                flat.put(k, v);
            }
        });
        flat.remove("forecast_skill_vs_physics.PENDULUM");
        flat.remove("forecast_skill_vs_physics.ADVECTION_DIFFUSION");
        flat.remove("forecast_skill_vs_physics.DOUBLE_PENDULUM");
        return flat;
    }

    static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    static void awaitOk(String url, Duration timeout) throws Exception {
        awaitBody(url, body -> true, timeout);
    }

    /** Waits until {@code url} answers 200 with a body that passes {@code test}. */
    static void awaitBody(String url, java.util.function.Predicate<String> test, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (last.statusCode() == 200 && test.test(last.body())) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " never gave the expected answer; last: "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }
}
