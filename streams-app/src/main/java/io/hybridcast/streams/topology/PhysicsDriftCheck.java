package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Channels;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.config.SystemSettings;
import io.hybridcast.streams.inference.ServingModel;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Physics drift: after each forecast, records the window's z_p posterior in the sensor's z_p history and
 * compares it with the context prior (what the sensor's context period said about z_p), with hysteresis.
 */
final class PhysicsDriftCheck {

    private final StreamsSettings settings;
    private final WriteBehindStore<ZpHistory> histories;
    private final AnomalyEmitter emitter;
    private final int historySize;

    PhysicsDriftCheck(StreamsSettings settings, WriteBehindStore<ZpHistory> histories, AnomalyEmitter emitter) {
        this.settings = settings;
        this.histories = histories;
        this.emitter = emitter;
        this.historySize = settings.get(StreamsSettings.HISTORY_SIZE);
    }

    void afterForecast(SensorState state, ServingModel.Prediction p, ServingModel model, long time) {
        String sensorId = state.sensorId;
        ZpHistory history = histories.read(sensorId);
        if (history == null) {
            history = new ZpHistory();
        }
        long sequence = state.query().sequence();
        double[][] prior = contextPrior(history, state, model);
        history.add(new ZpHistory.Point(sequence, time, model.version(), model.physicsNames(), p.zpMean(),
                p.zpStd(), prior == null ? new double[0] : prior[0], prior == null ? new double[0] : prior[1]),
                historySize);
        histories.write(sensorId, history);
        if (prior != null) {
            check(state, p, prior[0], prior[1], model, time);
        }
    }

    /**
     * The context prior of z_p: what the sensor's context period (the K windows before the newest one) says
     * about z_p, from the posteriors of the forecasts made there under the same model version. Mean of their
     * means; variance by the law of total variance (spread of the means plus mean posterior variance). Null
     * until two such estimates exist. (The model API gives the posterior only; see docs/streams-app.md.)
     */
    private double[][] contextPrior(ZpHistory history, SensorState state, ServingModel model) {
        SystemSettings windowing = settings.system(state.system);
        long newestStart = state.query().sequence() - windowing.windowLength() + 1;
        long contextStart = newestStart - (long) windowing.contextWindows() * windowing.windowLength();
        int params = model.physicsNames().size();
        double[] sum = new double[params];
        double[] sumSquares = new double[params];
        double[] sumVariance = new double[params];
        int n = 0;
        for (ZpHistory.Point point : history.points) {
            if (point.modelVersion() != model.version() || point.sequence() >= newestStart
                    || point.sequence() < contextStart || point.mean().length != params) {
                continue;
            }
            for (int j = 0; j < params; j++) {
                sum[j] += point.mean()[j];
                sumSquares[j] += point.mean()[j] * point.mean()[j];
                sumVariance[j] += point.std()[j] * point.std()[j];
            }
            n++;
        }
        if (n < 2) {
            return null;
        }
        double[] mean = new double[params];
        double[] std = new double[params];
        for (int j = 0; j < params; j++) {
            mean[j] = sum[j] / n;
            double spread = Math.max(0, sumSquares[j] / n - mean[j] * mean[j]);
            std[j] = Math.sqrt(spread + sumVariance[j] / n);
        }
        return new double[][]{mean, std};
    }

    /** The newest window's z_p posterior against the prior from the context period. */
    private void check(SensorState state, ServingModel.Prediction p, double[] priorMean, double[] priorStd,
                       ServingModel model, long time) {
        double score = 0;
        int worst = 0;
        for (int j = 0; j < p.zpMean().length; j++) {
            double z = Math.abs(p.zpMean()[j] - priorMean[j])
                    / Math.sqrt(p.zpStd()[j] * p.zpStd()[j] + priorStd[j] * priorStd[j] + 1e-12);
            if (z > score) {
                score = z;
                worst = j;
            }
        }
        double threshold = settings.get(StreamsSettings.DRIFT_THRESHOLD);
        Latch drift = state.checks().drift();
        long sequence = state.query().sequence();
        if (drift.observe(score, threshold, sequence, settings.get(StreamsSettings.MODEL_RAISE),
                settings.get(StreamsSettings.MODEL_CLEAR)) == Latch.Transition.RAISED) {
            String name = model.physicsNames().get(worst);
            String unit = Channels.parameterUnit(name);
            emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.PHYSICS_DRIFT, name, score, threshold,
                    drift.firstAboveSequence(), sequence, time, model.version(),
                    "Physics drift: " + name + " moved from " + num(priorMean[worst]) + " to "
                            + num(p.zpMean()[worst]) + unit + " (z = " + num(score) + " > " + num(threshold) + ")."),
                    time);
        }
    }
}
