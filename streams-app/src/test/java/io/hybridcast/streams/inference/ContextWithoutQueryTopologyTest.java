package io.hybridcast.streams.inference;

import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The train/serve skew of issue 11: training conditions a query on a context that excludes it, so serving must
 * too. Every window/hop-th hop the query window is exactly the newest context window; the pooled context the
 * model gets must then be the K windows before it, never the query itself.
 */
class ContextWithoutQueryTopologyTest {

    static final int LENGTH = 20;
    static final int HOP = 5;
    static final int K = 2;

    /** The real model, recording every query it is asked. */
    static final class RecordingModel extends BatchedInferenceTopologyTest.CountingModel {
        final List<Query> queries = new ArrayList<>();

        RecordingModel(ServingModel real) {
            super(real);
        }

        @Override
        public List<Prediction> predict(List<Query> batch, int horizon) {
            queries.addAll(batch);
            return super.predict(batch, horizon);
        }
    }

    static double signal(long seq) {
        return 0.8 * Math.sin(0.25 * seq);
    }

    static double[][] window(long first) {
        double[][] w = new double[LENGTH][];
        for (int t = 0; t < LENGTH; t++) {
            w[t] = new double[]{signal(first + t)};
        }
        return w;
    }

    @Test
    void theQueryIsNeverItsOwnContext(@TempDir Path stateDir) throws Exception {
        ModelRegistry registry = new ModelRegistry();
        RecordingModel model = new RecordingModel(new BundleModelLoader().load(TinyModels.pendulumVersion(1, null),
                TinyModels.pendulumBundle()));
        registry.swap(model);
        List<Forecast> forecasts;
        try (TopologyFixture fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", String.valueOf(LENGTH), "pendulum.hop", String.valueOf(HOP),
                "pendulum.context.windows", String.valueOf(K), "pendulum.horizon", "10",
                "batch.max.latency.ms", "100"), "test"), registry, stateDir)) {
            for (long seq = 0; seq < 120; seq++) {
                fixture.pipe(reading("p", SystemKind.PENDULUM, seq, signal(seq)));
                if ((seq + 1) % HOP == 0) {
                    fixture.advanceWallClock(Duration.ofMillis(100));
                }
            }
            forecasts = fixture.forecasts();
        }
        assertThat(model.queries).hasSameSizeAs(forecasts).hasSizeGreaterThan(10);
        int queriesThatEndAContextWindow = 0;
        for (int i = 0; i < forecasts.size(); i++) {
            long queryFirst = forecasts.get(i).getFirstSequence() - LENGTH;
            ServingModel.Query query = model.queries.get(i);
            assertThat(query.window()).isDeepEqualTo(window(queryFirst));
            // the context: the K newest disjoint windows that ended by the query's end, other than the query
            List<double[][]> context = new ArrayList<>();
            for (long first = (queryFirst + LENGTH) / LENGTH * LENGTH - LENGTH; first >= 0 && context.size() < K;
                 first -= LENGTH) {
                if (first != queryFirst) {
                    context.add(window(first));
                }
            }
            queriesThatEndAContextWindow += queryFirst % LENGTH == 0 ? 1 : 0;
            // K windows, but the first forecast (when the K-th window completes and is the query) has K - 1
            assertThat(query.pooledCount()).as("query from %d", queryFirst).isEqualTo(context.size())
                    .isEqualTo(queryFirst == (K - 1) * LENGTH ? K - 1 : K);
            double[][] embeddings = model.real.embed(context.toArray(new double[0][][]));
            for (int e = 0; e < query.pooledSum().length; e++) {
                double expected = 0;
                for (double[] embedding : embeddings) {
                    expected += embedding[e];
                }
                assertThat(query.pooledSum()[e]).as("query from %d, embedding %d", queryFirst, e)
                        .isCloseTo(expected, within(1e-4 * (1 + Math.abs(expected))));
            }
        }
        assertThat(queriesThatEndAContextWindow).isGreaterThan(2);
        registry.close();
    }
}
