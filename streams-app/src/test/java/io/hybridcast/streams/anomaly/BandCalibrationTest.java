package io.hybridcast.streams.anomaly;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BandCalibrationTest {

    @Test
    void theScaleIsTheRmsResidualAfterTheWarmUpAndNeverBelowOne() {
        BandCalibration c = new BandCalibration();
        c.useModelVersion(1);
        c.add(3, 2);
        assertThat(c.scale(2)).isEqualTo(1); // still warming up
        c.add(4, 2);
        assertThat(c.scale(2)).isCloseTo(Math.sqrt(12.5), within(1e-12));
        BandCalibration narrow = new BandCalibration();
        narrow.useModelVersion(1);
        narrow.add(0.5, 1);
        assertThat(narrow.scale(1)).isEqualTo(1); // a band is only ever widened
    }

    @Test
    void afterTheWarmUpItFollowsSlowly() {
        BandCalibration c = new BandCalibration();
        c.useModelVersion(1);
        c.add(2, 1);
        c.add(0, 1);
        assertThat(c.scale(1)).isCloseTo(Math.sqrt(4 * (1 - BandCalibration.ALPHA)), within(1e-12));
    }

    @Test
    void aNewModelVersionStartsAgain() throws Exception {
        BandCalibration c = new BandCalibration();
        c.useModelVersion(1);
        c.add(5, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.write(new DataOutputStream(bytes));
        BandCalibration back = BandCalibration.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        back.useModelVersion(1);
        assertThat(back.scale(1)).isEqualTo(5);
        back.useModelVersion(2);
        assertThat(back.samples()).isZero();
        assertThat(back.scale(1)).isEqualTo(1);
    }
}
