package io.hybridcast.streams.api;

import io.hybridcast.avro.SensorReading;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import org.assertj.core.api.InstanceOfAssertFactories;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) opens the page served by a running streams app on a real broker, with a real
 * model version, and must show the sensor in the fleet table and draw its forecast line on the canvas. Skipped,
 * with the reason, where no Chromium is installed ({@code HYBRIDCAST_CHROMIUM} and
 * {@code HYBRIDCAST_CHROMEDRIVER} override the paths).
 */
class DashboardBrowserTest {

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
                Instant start = Instant.now().minusSeconds(60);
                for (long s = 0; s < 80; s++) {
                    SensorReading r = TopologyFixture.reading("browser-1", SystemKind.PENDULUM, s, 0.8 * Math.cos(2.1 * 0.05 * s));
                    r.setEventTime(start.plusMillis(50 * s));
                    TopicIo.send(producer, Topics.SENSOR_READINGS, "browser-1", r);
                }
                awaitOk(base + "/api/sensors/browser-1/forecast", Duration.ofSeconds(60));

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
                } finally {
                    browser.quit();
                }
            }
        }
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
