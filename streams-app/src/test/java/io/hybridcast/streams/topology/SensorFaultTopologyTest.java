package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TopologyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/** Model-free sensor faults through the real topology: each fault flagged once, with a sentence. */
class SensorFaultTopologyTest {

    @TempDir
    Path stateDir;
    TopologyFixture fixture;
    final Random noise = new Random(7);

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "10", "pendulum.hop", "5", "pendulum.context.windows", "2"), "test"),
                new ModelRegistry(), stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private double healthy(long seq) {
        return Math.sin(0.3 * seq) + 0.01 * noise.nextGaussian();
    }

    private void healthyRange(String id, long from, long to) {
        for (long s = from; s < to; s++) {
            fixture.pipe(reading(id, SystemKind.PENDULUM, s, healthy(s)));
        }
    }

    @Test
    void healthySignalRaisesNothing() {
        healthyRange("p1", 0, 300);
        assertThat(fixture.anomalies()).isEmpty();
        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void spikeIsFlaggedOnceWithASentence() {
        healthyRange("p1", 0, 100);
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 100, healthy(100) + 3.0));
        healthyRange("p1", 101, 200);

        List<Anomaly> anomalies = fixture.anomalies();
        assertThat(anomalies).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AnomalyKind.SENSOR_FAULT);
            assertThat(a.getDetail()).isEqualTo("spike");
            assertThat(a.getFromSequence()).isEqualTo(100);
            assertThat(a.getScore()).isGreaterThan(a.getThreshold());
            assertThat(a.getModelVersion()).isNull();
            assertThat(a.getExplanation()).startsWith("Spike: theta jumped to");
        });
    }

    @Test
    void stuckSensorIsFlaggedOnceAfterTheConfiguredRun() {
        healthyRange("p1", 0, 50);
        for (long s = 50; s < 120; s++) {
            fixture.pipe(reading("p1", SystemKind.PENDULUM, s, 0.4242));
        }
        List<Anomaly> stuck = fixture.anomalies().stream().filter(a -> a.getDetail().equals("stuck")).toList();
        assertThat(stuck).singleElement().satisfies(a -> {
            assertThat(a.getFromSequence()).isEqualTo(50);
            assertThat(a.getToSequence()).isEqualTo(69); // the 20th identical reading
            assertThat(a.getExplanation()).contains("20 identical readings");
        });
    }

    @Test
    void dropoutNamesTheMissingRange() {
        healthyRange("p1", 0, 30);
        healthyRange("p1", 39, 60);
        assertThat(fixture.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.getDetail()).isEqualTo("dropout");
            assertThat(a.getFromSequence()).isEqualTo(30);
            assertThat(a.getToSequence()).isEqualTo(38);
            assertThat(a.getScore()).isEqualTo(9.0);
            assertThat(a.getExplanation()).contains("9 samples missing (sequences 30 to 38");
        });
        // the window restarted after the gap: only contiguous samples since sequence 39
        SensorState state = fixture.<SensorState>store(StoreNames.SENSOR_STATE).get("p1");
        assertThat(state.cursor().contiguousSamples()).isEqualTo(21);
    }

    @Test
    void windowsOfAStuckSensorStayOutOfItsContextSet() {
        fixture.close();
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "50", "pendulum.hop", "10", "pendulum.context.windows", "2"), "test"),
                new ModelRegistry(), stateDir.resolve("stuck-context"));
        healthyRange("p1", 0, 200);
        for (long s = 200; s < 300; s++) {
            fixture.pipe(reading("p1", SystemKind.PENDULUM, s, 0.4242));
        }
        healthyRange("p1", 300, 310);
        assertThat(fixture.anomalies()).anySatisfy(a -> assertThat(a.getDetail()).isEqualTo("stuck"));
        // the two stuck windows (200-249, 250-299) were flagged when they completed: the context set skipped them
        ContextSet context = fixture.<ContextSet>store(StoreNames.CONTEXT_SETS).get("p1");
        assertThat(context.windows).extracting(w -> w.firstSequence).containsExactly(50L, 100L, 150L);
        // and takes windows again once the flags have cleared
        healthyRange("p1", 310, 600);
        context = fixture.<ContextSet>store(StoreNames.CONTEXT_SETS).get("p1");
        assertThat(context.windows).hasSize(3).allSatisfy(w -> assertThat(w.firstSequence).isGreaterThanOrEqualTo(300));
    }

    @Test
    void levelShiftOutOfRangeAlertsOnceNotForever() {
        healthyRange("p1", 0, 40);
        for (long s = 40; s < 140; s++) {
            fixture.pipe(reading("p1", SystemKind.PENDULUM, s, 2000 + healthy(s)));
        }
        List<Anomaly> outOfRange = fixture.anomalies().stream()
                .filter(a -> a.getDetail().equals("out_of_range")).toList();
        assertThat(outOfRange).singleElement().satisfies(a ->
                assertThat(a.getExplanation()).contains("outside [-1000, 1000] rad"));
        // back in range long enough to clear, then out again: a second episode is a second alert
        healthyRange("p1", 140, 200);
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 200, -5000));
        assertThat(fixture.anomalies().stream().filter(a -> a.getDetail().equals("out_of_range"))).hasSize(1);
    }

    @Test
    void newSensorWarmsUpThenWaitsForAModelWhileKeepingContext() {
        healthyRange("p1", 0, 15);
        org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, SensorState> states =
                fixture.store(StoreNames.SENSOR_STATE);
        assertThat(states.get("p1").status()).isEqualTo(SensorState.Status.WARMING_UP);
        healthyRange("p1", 15, 20);
        assertThat(states.get("p1").status()).isEqualTo(SensorState.Status.WAITING_FOR_MODEL);
        healthyRange("p1", 20, 45);
        ContextSet context = fixture.<ContextSet>store(StoreNames.CONTEXT_SETS).get("p1");
        // K + 1 = 3 windows (a query that is the newest still has K others): window 0 was evicted
        assertThat(context.windows).extracting(w -> w.firstSequence).containsExactly(10L, 20L, 30L);
        assertThat(context.windows.get(2).samples).hasDimensions(10, 1); // 40..44 is not complete yet
        assertThat(fixture.forecasts()).isEmpty();
    }
}
