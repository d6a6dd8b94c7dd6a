package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.anomaly.UsualLevel;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ServingModel;

import static io.hybridcast.streams.anomaly.Channels.num;

/** Unmodelled dynamics: the neural share of the reconstruction grows beyond its running baseline. */
final class UnmodelledCheck {

    private final StreamsSettings settings;
    private final AnomalyEmitter emitter;

    UnmodelledCheck(StreamsSettings settings, AnomalyEmitter emitter) {
        this.settings = settings;
        this.emitter = emitter;
    }

    void afterForecast(SensorState state, ServingModel.Prediction p, ServingModel model, long time) {
        double share = p.neuralShare();
        if (!Double.isFinite(share)) {
            return;
        }
        UsualLevel usual = state.checks().neuralShare();
        usual.useModelVersion(model.version());
        int warmup = settings.get(StreamsSettings.UNMODELLED_WARMUP);
        if (!usual.warmedUp(warmup)) {
            usual.addNormal(share, warmup);
            return;
        }
        double baseline = usual.mean();
        double score = share - baseline;
        double threshold = usual.threshold(settings.get(StreamsSettings.UNMODELLED_THRESHOLD),
                settings.get(StreamsSettings.UNMODELLED_SIGMAS));
        Latch unmodelled = state.checks().unmodelled();
        long sequence = state.query().sequence();
        Latch.Transition transition = unmodelled.observe(score, threshold, sequence,
                settings.get(StreamsSettings.MODEL_RAISE), settings.get(StreamsSettings.MODEL_CLEAR));
        if (transition == Latch.Transition.RAISED) {
            emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.UNMODELLED_DYNAMICS, "neural_share",
                    score, threshold, unmodelled.firstAboveSequence(), sequence, time, model.version(),
                    "Unmodelled dynamics: the neural part now carries " + num(100 * share)
                            + " % of the model's signal energy, up from a usual " + num(100 * baseline) + " ± "
                            + num(100 * usual.std()) + " % (growth " + num(score) + " > " + num(threshold) + ")."),
                    time);
        }
        // the baseline follows only normal behaviour, so a lasting change stays visible as a change
        if (!unmodelled.active() && score <= threshold) {
            usual.addNormal(share, warmup);
        }
    }
}
