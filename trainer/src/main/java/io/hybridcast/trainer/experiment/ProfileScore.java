package io.hybridcast.trainer.experiment;

import io.hybridcast.model.metrics.Correlation;
import io.hybridcast.model.metrics.Errors;
import io.hybridcast.model.vae.PhysicsProfileFit;

/**
 * z_p of the test-time profile fit ({@link PhysicsProfileFit}) beside the encoder's; null for a model without a
 * hybrid decoder to fit with (APHYNITY, the neural-only ablation).
 */
record ProfileScore(double mseZp, double relErrZpPct, double corrZp, double relErrZpOodPct, double corrZpOod,
                    double[] coverageRaw, double[] coverageConformal, double relErrZpValidationPct) {

    /**
     * Scores of one read-out on the test and out-of-range windows; its conformal quantiles are fitted on the
     * validation windows' fits ({@code val}, {@code valTruth}) only.
     */
    static ProfileScore of(PhysicsProfileFit.Result in, PhysicsProfileFit.Result out, PhysicsProfileFit.Result val,
                           double[] truth, double[] oodTruth, double[] valTruth) {
        double[] zp = in.mean();
        double[] std = in.std();
        ConformalCalibration conformal = ConformalCalibration.fit(val.mean(), val.std(), valTruth);
        return new ProfileScore(Errors.mse(zp, truth), Errors.relativeErrorPercent(zp, truth),
                Correlation.pearson(zp, truth), Errors.relativeErrorPercent(out.mean(), oodTruth),
                Correlation.pearson(out.mean(), oodTruth), Calibration.NONE.coverage(zp, std, truth),
                conformal.coverage(zp, std, truth), Errors.relativeErrorPercent(val.mean(), valTruth));
    }
}
