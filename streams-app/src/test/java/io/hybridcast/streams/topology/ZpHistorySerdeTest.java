package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A z_p history that keeps its points' encoded bytes between writes writes exactly what a freshly read copy (no
 * bytes kept) writes, through appends and the bounded history's evictions.
 */
class ZpHistorySerdeTest {

    static ZpHistory.Point point(long seq) {
        double v = 1 + 0.01 * seq;
        return new ZpHistory.Point(seq, 1_000 * seq, 3, List.of("omega"), new double[]{v}, new double[]{0.1},
                seq % 3 == 0 ? new double[0] : new double[]{v - 0.05}, seq % 3 == 0 ? new double[0] : new double[]{0.2},
                new double[]{v + 0.01}, new double[]{0.05}, new double[]{v - 0.1}, new double[]{v + 0.1});
    }

    @Test
    void keptBytesEqualAFreshEncodingThroughAppendsAndEvictions() {
        var serializer = ZpHistory.SERDE.serializer();
        var deserializer = ZpHistory.SERDE.deserializer();
        ZpHistory history = new ZpHistory();
        for (long seq = 0; seq < 40; seq++) {
            history.add(point(seq), 25);
            byte[] kept = serializer.serialize("t", history);
            ZpHistory fresh = deserializer.deserialize("t", kept);
            assertThat(fresh.points).hasSize((int) Math.min(seq + 1, 25));
            assertThat(fresh.points.get(fresh.points.size() - 1).sequence()).isEqualTo(seq);
            // the copy holds no kept bytes: its encoding is computed from the points alone
            assertThat(serializer.serialize("t", fresh)).isEqualTo(kept);
            // and the same history written again (all bytes kept) is unchanged
            assertThat(serializer.serialize("t", history)).isEqualTo(kept);
        }
    }
}
