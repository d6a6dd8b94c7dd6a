package io.hybridcast.local;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.streams.StreamsService;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.trainer.service.TrainerService;
import io.hybridcast.trainer.service.TrainerSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop on a real broker: simulator -> streams app -> forecasts made by version 1 (trained and
 * published by the trainer); the trainer publishes version 2 -> the streams app swaps it in -> later
 * forecasts carry version 2; and every sensor's forecasts come exactly once per hop, none lost, none twice.
 */
class EndToEndTest {

    private static final String KEY = "e2e-key";
    private static final int HOP = 10;

    static TrainerSettings trainer(String bootstrap, TrainerSettings.Promotion promotion, long seed) {
        return TrainerSettings.builder().setBootstrapServers(bootstrap).setSystem(SystemKind.PENDULUM).setHmacKey(KEY)
                .optInterval(Duration.ofHours(1)).optMaxReadingsPerPartition(100_000).optWindows(50, 20, HOP)
                .optEpochs(2, 6).optPromotion(promotion).optSeed(seed).build();
    }

    @Test
    void versionTwoReplacesVersionOneMidStreamWithoutLosingOrRepeatingAForecast(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(); Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
            StreamsSettings settings = StreamsSettings.fromMap(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(),
                    "application.id", "e2e",
                    "state.dir", dir.resolve("state").toString(),
                    "http.port", "0",
                    "model.hmac.key", KEY,
                    "pendulum.hop", Integer.toString(HOP),
                    // the fleet runs at 4x: its event time runs ahead of the wall clock on purpose
                    "validation.future.tolerance.ms", Long.toString(Duration.ofDays(1).toMillis())), "test");
            try (StreamsService streams = StreamsService.start(settings, new BundleModelLoader());
                 FleetSimulator fleet = FleetSimulator.builder().bootstrapServers(broker.bootstrapServers())
                         .pendulums(3).advectionDiffusion(0).doublePendulums(0).rate(Rate.times(4)).seed(3)
                         .build().start();
                 TrainerService first = new TrainerService(trainer(broker.bootstrapServers(),
                         TrainerSettings.Promotion.BETTER, 1));
                 TrainerService second = new TrainerService(trainer(broker.bootstrapServers(),
                         TrainerSettings.Promotion.ALWAYS, 2));
                 KafkaConsumer<String, Forecast> forecasts = new KafkaConsumer<>(Map.of(
                         ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                         ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader",
                         ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                         ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                         Topics.FORECASTS.keySerde().deserializer(), Topics.FORECASTS.valueSerde().deserializer())) {
                forecasts.subscribe(List.of(Topics.FORECASTS.name()));
                List<ConsumerRecord<String, Forecast>> seen = new ArrayList<>();

                TrainerService.Outcome v1 = runUntilNotSkipped(first);
                assertThat(v1.kind()).isEqualTo(TrainerService.Outcome.Kind.PUBLISHED);
                assertThat(v1.version()).isEqualTo(1);
                assertThat(pollUntil(forecasts, seen, f -> f.getModelVersion() == 1, Duration.ofSeconds(90)))
                        .as("a forecast by version 1").isTrue();

                TrainerService.Outcome v2 = second.runOnce();
                assertThat(v2.kind()).isEqualTo(TrainerService.Outcome.Kind.PUBLISHED);
                assertThat(v2.version()).isEqualTo(2);
                assertThat(pollUntil(forecasts, seen, f -> f.getModelVersion() == 2, Duration.ofSeconds(90)))
                        .as("a forecast by version 2").isTrue();
                // a little more traffic after the swap
                int size = seen.size();
                assertThat(pollUntil(forecasts, seen, f -> false, Duration.ofSeconds(3))).isFalse();
                assertThat(seen.size()).isGreaterThan(size);

                // stop the sensors; the streams app must then have counted every reading exactly once
                assertThat(fleet.failure()).isNull();
                fleet.close();
                Map<String, Long> published = fleet.stats().readingsPerSensor();
                assertThat(published).hasSize(3);
                Map<String, JsonNode> states = awaitCounts(streams.httpPort(), published, Duration.ofSeconds(60));
                published.forEach((sensor, count) -> assertThat(states.get(sensor).get("readings").asLong())
                        .as("readings of " + sensor + " counted by the streams app").isEqualTo(count));
                // the sensors are quiet now: wait until the last forecasts are committed and read
                Map<String, JsonNode> finalStates = states;
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < end) {
                    pollUntil(forecasts, seen, f -> false, Duration.ofMillis(1000));
                    finalStates = awaitCounts(streams.httpPort(), published, Duration.ofSeconds(5));
                    Map<String, Long> onTopic = new HashMap<>();
                    seen.forEach(r -> onTopic.merge(r.key(), 1L, Long::sum));
                    Map<String, JsonNode> current = finalStates;
                    if (published.keySet().stream().allMatch(s -> onTopic.getOrDefault(s, 0L)
                            == current.get(s).get("forecasts").asLong())) {
                        break;
                    }
                }
                Map<String, JsonNode> quiet = finalStates;

                Map<Integer, Boolean> partitionSwapped = new HashMap<>();
                Map<String, List<Long>> firstSequences = new TreeMap<>();
                for (ConsumerRecord<String, Forecast> r : seen) {
                    long version = r.value().getModelVersion();
                    if (version == 2) {
                        partitionSwapped.put(r.partition(), true);
                    } else {
                        // once a partition saw version 2, no forecast of version 1 follows it there
                        assertThat(partitionSwapped.getOrDefault(r.partition(), false))
                                .as("version 1 forecast after version 2 on partition " + r.partition()).isFalse();
                    }
                    firstSequences.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value().getFirstSequence());
                }
                assertThat(firstSequences).hasSize(3);
                firstSequences.forEach((sensor, sequences) -> {
                    for (int i = 1; i < sequences.size(); i++) {
                        assertThat(sequences.get(i)).as(sensor + " forecasts never repeat or go back: " + sequences)
                                .isGreaterThan(sequences.get(i - 1));
                    }
                    // every forecast the app made reaches read_committed consumers, and none twice
                    assertThat((long) sequences.size()).as("forecasts of " + sensor + " on the topic vs in state")
                            .isPositive().isEqualTo(quiet.get(sensor).get("forecasts").asLong());
                });
            }
        }
    }

    private static TrainerService.Outcome runUntilNotSkipped(TrainerService trainer) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            TrainerService.Outcome outcome = trainer.runOnce();
            if (outcome.kind() != TrainerService.Outcome.Kind.SKIPPED || System.nanoTime() > deadline) {
                return outcome;
            }
            Thread.sleep(1000);
        }
    }

    /** The streams app's view of each sensor once its reading counts reach the published ones (or time is up). */
    private static Map<String, JsonNode> awaitCounts(int port, Map<String, Long> published, Duration timeout)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> states = new HashMap<>();
        while (true) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sensors"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            states.clear();
            JsonNode root = json.readTree(body);
            for (JsonNode sensor : root.isArray() ? root : root.path("sensors")) {
                states.put(sensor.get("sensorId").asText(), sensor);
            }
            boolean caughtUp = published.entrySet().stream().allMatch(e -> states.containsKey(e.getKey())
                    && states.get(e.getKey()).get("readings").asLong() >= e.getValue());
            if (caughtUp || System.nanoTime() > deadline) {
                return states;
            }
            Thread.sleep(500);
        }
    }

    /** Polls into {@code seen} until a forecast meets the condition (true) or the time is up (false). */
    private static boolean pollUntil(KafkaConsumer<String, Forecast> consumer,
                                     List<ConsumerRecord<String, Forecast>> seen, Predicate<Forecast> condition,
                                     Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean met = false;
            // keep the whole batch: the consumer's position is already past all of it, so a record left out
            // here would never be seen again (and the count on the topic would look short)
            for (ConsumerRecord<String, Forecast> r : consumer.poll(Duration.ofMillis(200))) {
                seen.add(r);
                met |= condition.test(r.value());
            }
            if (met) {
                return true;
            }
        }
        return false;
    }
}
