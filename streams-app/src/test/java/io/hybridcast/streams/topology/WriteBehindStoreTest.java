package io.hybridcast.streams.topology;

import io.hybridcast.avro.SystemKind;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the processor and interactive queries each see of a {@link WriteBehindStore}: changes reach the inner
 * store (and so the changelog) only when Kafka Streams flushes the store before a commit, or when a changed
 * value is evicted; a value invalidated after a failed change comes back as the store holds it.
 */
class WriteBehindStoreTest {

    @TempDir
    Path stateDir;
    private WriteBehindStore<SensorState> store;

    private void open(int capacity) {
        Properties config = new Properties();
        config.put("application.id", "write-behind-test");
        config.put("bootstrap.servers", "unused:9092");
        config.put("state.dir", stateDir.toString());
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0),
                stateDir.toFile());
        store = WriteBehindStore.builder(Stores.persistentKeyValueStore("states"), SensorState.SERDE, capacity).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static SensorState state(String id, long readings) {
        SensorState s = new SensorState(id, SystemKind.PENDULUM);
        advanceTo(s, readings);
        return s;
    }

    /** Accepts readings until the state counts {@code readings} (a change made in place). */
    private static void advanceTo(SensorState s, long readings) {
        while (s.readings() < readings) {
            s.accept(new double[]{0}, s.readings(), 0, 20);
        }
    }

    @Test
    void changesReachTheStoreAtTheFlushBeforeACommitNotBefore() {
        open(100);
        SensorState a = state("a", 1);
        store.write("a", a);
        assertThat(store.read("a")).isSameAs(a);
        assertThat(store.get("a")).as("queries see the last commit").isNull();
        assertThat(store.pendingWrites()).isEqualTo(1);

        store.flushCache();
        assertThat(store.pendingWrites()).isZero();
        assertThat(store.get("a").readings()).isEqualTo(1);

        advanceTo(a, 2); // mutated in place, written again: one write-back however often it changed
        store.write("a", a);
        advanceTo(a, 3);
        store.write("a", a);
        assertThat(store.pendingWrites()).isEqualTo(1);
        assertThat(store.get("a").readings()).isEqualTo(1);
        store.flushCache();
        assertThat(store.get("a").readings()).isEqualTo(3);
    }

    @Test
    void anEvictedChangedValueIsWrittenBackBeforeItIsDropped() {
        open(2);
        store.write("a", state("a", 1));
        store.write("b", state("b", 2));
        assertThat(store.get("a")).isNull();
        store.write("c", state("c", 3)); // "a" is the least recently used: written back, then dropped
        assertThat(store.get("a").readings()).isEqualTo(1);
        assertThat(store.get("b")).isNull();
        assertThat(store.pendingWrites()).isEqualTo(2);
        SensorState reread = store.read("a");
        assertThat(reread.readings()).isEqualTo(1);
        store.flushCache();
        assertThat(store.get("b").readings()).isEqualTo(2);
        assertThat(store.get("c").readings()).isEqualTo(3);
    }

    @Test
    void anInvalidatedValueIsReadAgainAsTheStoreHoldsIt() {
        open(100);
        SensorState a = state("a", 5);
        store.write("a", a);
        store.flushCache();
        advanceTo(a, 99); // a change that failed half-way
        store.write("a", a);
        store.invalidate("a");
        assertThat(store.pendingWrites()).isZero();
        assertThat(store.read("a")).isNotSameAs(a);
        assertThat(store.read("a").readings()).isEqualTo(5);
        store.flushCache();
        assertThat(store.get("a").readings()).isEqualTo(5);
    }

    @Test
    void forgettingDropsUnwrittenChangesAndTheStoreStaysTheTruth() {
        open(100);
        store.write("a", state("a", 1));
        store.flushCache();
        store.write("a", state("a", 2));
        store.write("b", state("b", 1));
        store.forgetAll(); // what the processor does after its task was rewound
        store.flushCache();
        assertThat(store.read("a").readings()).isEqualTo(1);
        assertThat(store.read("b")).isNull();
        try (var all = store.all()) {
            assertThat(all.hasNext()).isTrue();
            assertThat(all.next().key).isEqualTo("a");
            assertThat(all.hasNext()).isFalse();
        }
    }

    @Test
    void quietValuesAreWrittenBackBeforeTheCommitAndChangingOnesAtIt() {
        open(100);
        long[] now = {1_000};
        store.clock(() -> now[0]);
        SensorState a = state("a", 1);
        store.write("a", a); // changed at 1 000 ns
        now[0] = 5_000;
        store.write("b", state("b", 1));
        now[0] = 6_000;
        advanceTo(a, 2);
        store.write("a", a); // changed again at 6 000: now the most recent change
        assertThat(store.writeBackUnchangedSince(5_000)).as("only b has been quiet since 5 000").isEqualTo(1);
        assertThat(store.get("b").readings()).isEqualTo(1);
        assertThat(store.get("a")).isNull();
        assertThat(store.pendingWrites()).isEqualTo(1);

        assertThat(store.writeBackUnchangedSince(6_000)).isEqualTo(1);
        assertThat(store.get("a").readings()).isEqualTo(2);
        assertThat(store.writeBackUnchangedSince(10_000)).as("nothing changed since").isZero();

        now[0] = 7_000;
        advanceTo(a, 3); // changed after its early write-back: written again, at the commit
        store.write("a", a);
        assertThat(store.writeBackUnchangedSince(6_999)).isZero();
        store.flushCache();
        assertThat(store.get("a").readings()).isEqualTo(3);
        assertThat(store.pendingWrites()).isZero();
    }

    @Test
    void aValueThatChangesFasterThanTheCommitsComeWaitsForTheCommit() {
        open(100);
        long[] now = {0};
        store.clock(() -> now[0]);
        SensorState slow = state("slow", 1);
        store.write("slow", slow); // changed at 0
        now[0] = 10_000;
        store.flushCache(); // a commit at 10 000
        now[0] = 110_000;
        store.flushCache(); // the next at 110 000: commits 100 000 ns apart, the next expected at 210 000

        SensorState fast = state("fast", 1);
        now[0] = 120_000;
        store.write("fast", fast);
        now[0] = 130_000;
        advanceTo(fast, 2);
        store.write("fast", fast); // every 10 000 ns: its next change is due before the next commit
        now[0] = 150_000;
        advanceTo(slow, 2);
        store.write("slow", slow); // 150 000 ns after its last change: the next one after the next commit
        now[0] = 160_000;
        assertThat(store.writeBackUnchangedSince(155_000)).as("only the slow value is written early").isEqualTo(1);
        assertThat(store.get("slow").readings()).isEqualTo(2);
        assertThat(store.get("fast")).isNull();
        assertThat(store.pendingWrites()).isEqualTo(1);
        assertThat(store.writeBackUnchangedSince(160_000)).as("held for the commit, not tried again").isZero();

        now[0] = 210_000;
        store.flushCache();
        assertThat(store.get("fast").readings()).isEqualTo(2);
        assertThat(store.pendingWrites()).isZero();
    }
}
