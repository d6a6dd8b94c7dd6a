package io.hybridcast.streams.anomaly;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class UsualLevelTest {

    static final double ALPHA = 0.1;

    @Test
    void warmUpGivesTheExactMeanAndPopulationStd() {
        UsualLevel b = new UsualLevel(ALPHA);
        b.useModelVersion(1);
        for (double share : new double[]{0.1, 0.3, 0.2, 0.4}) {
            assertThat(b.warmedUp(4)).isFalse();
            b.addNormal(share, 4);
        }
        assertThat(b.warmedUp(4)).isTrue();
        assertThat(b.mean()).isCloseTo(0.25, within(1e-12));
        assertThat(b.std()).isCloseTo(Math.sqrt(0.0125), within(1e-12)); // mean of squared deviations
    }

    @Test
    void thresholdIsTheLargerOfTheFloorAndKSigmas() {
        UsualLevel b = new UsualLevel(ALPHA);
        b.useModelVersion(1);
        b.addNormal(0.0, 2);
        b.addNormal(0.2, 2); // std 0.1
        assertThat(b.threshold(0.25, 4)).isCloseTo(0.4, within(1e-12));
        assertThat(b.threshold(0.5, 4)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void afterTheWarmUpTheBaselineFollowsSlowly() {
        UsualLevel b = new UsualLevel(ALPHA);
        b.useModelVersion(1);
        b.addNormal(0.2, 1);
        b.addNormal(0.3, 1);
        assertThat(b.mean()).isCloseTo(0.2 + ALPHA * 0.1, within(1e-12));
        assertThat(b.std()).isPositive();
    }

    @Test
    void aNewModelVersionStartsAgainButTheSameVersionKeepsIt() {
        UsualLevel b = new UsualLevel(ALPHA);
        b.useModelVersion(1);
        b.addNormal(0.2, 3);
        b.useModelVersion(1);
        assertThat(b.observations()).isEqualTo(1);
        b.useModelVersion(2);
        assertThat(b.observations()).isZero();
        assertThat(b.mean()).isZero();
    }

    @Test
    void survivesTheStateStore() throws Exception {
        UsualLevel b = new UsualLevel(ALPHA);
        b.useModelVersion(7);
        b.addNormal(0.1, 5);
        b.addNormal(0.5, 5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        b.write(new DataOutputStream(bytes));
        UsualLevel back = UsualLevel.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), ALPHA);
        assertThat(back.mean()).isEqualTo(b.mean());
        assertThat(back.std()).isEqualTo(b.std());
        assertThat(back.observations()).isEqualTo(2);
        back.useModelVersion(7);
        assertThat(back.observations()).isEqualTo(2);
    }

    @Test
    void alphaOutsideItsRangeIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new UsualLevel(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
    }
}
