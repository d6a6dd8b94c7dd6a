package io.hybridcast.trainer.basemodel;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.line.DiffusionWindowFit;
import io.hybridcast.model.line.RemainderOperator;
import io.hybridcast.model.line.RemainderOperatorFit;
import io.hybridcast.model.line.WeakForm;
import io.hybridcast.model.physics.DiffusionPhysics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The line's sensor-level D on unseen simulated sensors (their own seed, as the streams app cuts and fuses a live
 * sensor, after the first minute): within a few percent with the twin-learnt remainder, and far off with the
 * physics alone, so the remainder is what identifies D.
 */
class LineDiffusionIdentificationTest {

    private static final double DT = 0.02;
    private static List<TwinPopulation.Sensor> unseen;

    @BeforeAll
    static void simulate() {
        unseen = TwinPopulation.simulate(TwinPopulation.Spec.of(SystemKind.ADVECTION_DIFFUSION, 30, 100, 30), 4242);
    }

    @Test
    void theShippedRemainderIdentifiesDOfUnseenSensors() {
        LineDiffusionScore s = LineDiffusionScore.of(
                new DiffusionWindowFit(RemainderOperator.shipped(), DT, DiffusionPhysics.DX), unseen, 50, DT);
        assertTrue(s.sensorRelErr() < 0.03, s.summary());
        assertTrue(s.sensorRelErrByRange()[0] < 0.05, "small D: " + s.summary());
        assertTrue(s.worstSensorRelErr() < 0.10, s.summary());
        assertTrue(s.windowCoverage95() >= 0.90 && s.windowCoverage95() <= 0.995, "window intervals: " + s.summary());
        assertTrue(s.coverage95() >= 0.80, "fused intervals before the sensor-level calibration: " + s.summary());
    }

    @Test
    void thePhysicsAloneDoesNot() {
        LineDiffusionScore s = LineDiffusionScore.of(new DiffusionWindowFit(null, DT, DiffusionPhysics.DX), unseen,
                50, DT);
        assertTrue(s.sensorRelErr() > 0.10, s.summary());
        assertTrue(s.sensorRelErrByRange()[0] > 0.30, "small D: " + s.summary());
    }

    @Test
    void aRemainderLearntFromTwentySensorsDoesToo() {
        List<TwinPopulation.Sensor> train = TwinPopulation.simulate(
                TwinPopulation.Spec.of(SystemKind.ADVECTION_DIFFUSION, 20, 30, 30), 77);
        List<RemainderOperatorFit.Window> windows = new ArrayList<>();
        for (int s = 0; s < train.size(); s++) {
            double[][] samples = train.get(s).samples();
            for (int end = 50; end <= samples.length; end += 50) {
                double[][] w = Arrays.copyOfRange(samples, end - 50, end);
                if (!WeakForm.hasJump(w)) {
                    windows.add(new RemainderOperatorFit.Window(s, train.get(s).physics(), WeakForm.of(w, DT)));
                }
            }
        }
        RemainderOperator b = RemainderOperatorFit.fit(windows, train.size(), DiffusionPhysics.DX, 30);
        LineDiffusionScore s = LineDiffusionScore.of(new DiffusionWindowFit(b, DT, DiffusionPhysics.DX), unseen, 50,
                DT);
        assertTrue(s.sensorRelErr() < 0.05, s.summary());
    }
}
