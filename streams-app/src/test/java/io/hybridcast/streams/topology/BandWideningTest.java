package io.hybridcast.streams.topology;

import io.hybridcast.streams.anomaly.UsualLevel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The forecast band's widening from a sensor's usual mean square standardised residual. */
class BandWideningTest {

    static UsualLevel level(double... meanSquares) {
        UsualLevel band = new UsualLevel(SensorState.BAND_ALPHA);
        band.useModelVersion(1);
        for (double m : meanSquares) {
            band.addNormal(m, 2);
        }
        return band;
    }

    @Test
    void theWideningIsTheRmsResidualAfterTheWarmUpAndNeverBelowOne() {
        assertThat(ForecastDeviationCheck.bandWidening(level(9), 2)).isEqualTo(1); // still warming up
        assertThat(ForecastDeviationCheck.bandWidening(level(9, 16), 2)).isCloseTo(Math.sqrt(12.5), within(1e-12));
        assertThat(ForecastDeviationCheck.bandWidening(level(0.25, 0.25), 2)).isEqualTo(1); // only ever widened
    }

    @Test
    void afterTheWarmUpItFollowsSlowly() {
        assertThat(ForecastDeviationCheck.bandWidening(level(4, 4, 0), 2))
                .isCloseTo(Math.sqrt(4 * (1 - SensorState.BAND_ALPHA)), within(1e-12));
    }

    @Test
    void calibrationOffOrANewModelVersionMeansNoWidening() {
        UsualLevel band = level(25, 25);
        assertThat(ForecastDeviationCheck.bandWidening(band, 0)).isEqualTo(1);
        band.useModelVersion(2);
        assertThat(ForecastDeviationCheck.bandWidening(band, 2)).isEqualTo(1);
    }
}
