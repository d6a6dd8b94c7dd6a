package io.hybridcast.streams.topology;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-point key: in the stores' byte order (UTF-8, compared as unsigned bytes, as RocksDB and the in-memory
 * store compare them) a sensor's keys are contiguous and in sequence order, and a range scan from
 * {@link SequenceKey#first} to {@link SequenceKey#last} holds that sensor's keys and no other's, whatever the ids hold.
 */
class SequenceKeyTest {

    /** Ids that are prefixes of each other, hold the digits and separators a naive key would use, or non-ASCII. */
    static final List<String> AWKWARD = List.of("s", "s1", "s#1", "s#", "s#10", "0001s", "0002s#",
            "0001s8000000000000001", "é", "é#:0000", "\uD835\uDD38x", "\uFFFDz", "a b/c?d%2F", "x".repeat(256));

    private static final long[] SEQUENCES = {Long.MIN_VALUE, -17, -1, 0, 1, 9, 10, 15, 16, 255, 256, 1L << 40,
            Long.MAX_VALUE - 1, Long.MAX_VALUE};

    private static Bytes utf8(String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSensorsKeysAreContiguousAndInSequenceOrderInTheStoresByteOrder() {
        record K(String sensor, long sequence, Bytes bytes) {
        }
        List<K> keys = new ArrayList<>();
        for (String id : AWKWARD) {
            for (long seq : SEQUENCES) {
                String key = SequenceKey.of(id, seq);
                assertThat(SequenceKey.sensorOf(key)).isEqualTo(id);
                assertThat(SequenceKey.sequenceOf(key)).isEqualTo(seq);
                keys.add(new K(id, seq, utf8(key)));
            }
        }
        keys.sort(Comparator.comparing(K::bytes)); // Bytes compare as unsigned bytes, like the stores
        for (String id : AWKWARD) {
            Bytes from = utf8(SequenceKey.first(id));
            Bytes to = utf8(SequenceKey.last(id));
            List<K> inRange = keys.stream().filter(k -> k.bytes().compareTo(from) >= 0
                    && k.bytes().compareTo(to) <= 0).toList();
            assertThat(inRange).as(id).allSatisfy(k -> assertThat(k.sensor()).isEqualTo(id));
            assertThat(inRange.stream().mapToLong(K::sequence).toArray()).as(id).isEqualTo(SEQUENCES);
        }
    }

    @Test
    void aStringThatIsNotAKeyIsRefused() {
        assertThatThrownBy(() -> SequenceKey.sensorOf("pendulum-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a sequence key");
        assertThatThrownBy(() -> SequenceKey.sensorOf("0009s8000000000000001"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 9");
    }
}
