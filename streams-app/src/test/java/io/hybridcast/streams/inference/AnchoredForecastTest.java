package io.hybridcast.streams.inference;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.streams.testing.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Forecasts start where the sensor is. The model's own forecast continues its trajectory from the window's first
 * sample; when that trajectory ends away from the newest sample (z_p off, here a pendulum far outside the model's
 * prior range and offset), the served forecast is shifted to start from the sensor and keeps the model's change.
 */
class AnchoredForecastTest {

    @Test
    void theForecastContinuesFromTheNewestSample() throws Exception {
        double[][] window = new double[TinyModels.WINDOW][1];
        for (int t = 0; t < window.length; t++) {
            // omega 5 rad/s (above the model's prior range) around an offset the physics does not know
            window[t][0] = 0.6 + 0.4 * Math.cos(5 * 0.05 * t);
        }
        ModelBundle bundle = ModelBundle.read(TinyModels.pendulumBundle(), "PENDULUM");
        try (NDManager manager = NDManager.newBaseManager();
             HybridVae raw = bundle.instantiate(manager);
             // anchored as a line's model is (the only system whose state is the observed field; no tiny line model)
             HybridServingModel served = new HybridServingModel(SystemKind.PENDULUM, 1, () -> {
                 try {
                     return bundle.instantiate(manager);
                 } catch (Exception e) {
                     throw new IllegalStateException(e);
                 }
             }, true);
             HybridServingModel pendulum = new HybridServingModel(SystemKind.PENDULUM, 1, () -> {
                 try {
                     return bundle.instantiate(manager);
                 } catch (Exception e) {
                     throw new IllegalStateException(e);
                 }
             })) {
            Inference own = raw.inferWithPooledContext(new double[][][]{window}, new double[][]{new double[
                    bundle.spec().embedding()]}, new int[]{0}, TinyModels.HORIZON);
            ServingModel.Prediction p = served.predict(List.of(new ServingModel.Query(window, new double[0], 0)),
                    TinyModels.HORIZON).get(0);
            double newest = window[window.length - 1][0];
            double fitted = own.reconstruction()[0][window.length - 1][0];
            double ownFirst = own.forecastMean()[0][0][0];
            // the model's own forecast starts from its trajectory, visibly away from the sensor
            assertThat(Math.abs(ownFirst - newest)).isGreaterThan(0.05);
            // the served one starts from the sensor, with the model's own one-step change
            assertThat(p.mean()[0][0] - newest).isCloseTo(ownFirst - fitted, within(1e-9));
            assertThat(Math.abs(p.mean()[0][0] - newest)).isLessThan(Math.abs(ownFirst - newest));
            // a pendulum's model is not anchored (its unobserved velocity cannot be shifted with the angle)
            ServingModel.Prediction plain = pendulum.predict(List.of(new ServingModel.Query(window, new double[0], 0)),
                    TinyModels.HORIZON).get(0);
            assertThat(plain.mean()[0][0]).isCloseTo(ownFirst, within(1e-9));
            for (int t = 0; t < TinyModels.HORIZON; t++) {
                double shift = newest - fitted;
                assertThat(p.mean()[t][0]).isCloseTo(own.forecastMean()[0][t][0] + shift, within(1e-9));
                assertThat(p.upper()[t][0] - p.lower()[t][0])
                        .isCloseTo(2 * 1.959963984540054 * own.forecastStd()[0][t][0], within(1e-9));
            }
        }
    }
}
