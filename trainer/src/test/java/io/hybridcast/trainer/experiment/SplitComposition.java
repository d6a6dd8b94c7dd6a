package io.hybridcast.trainer.experiment;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.dataset.DatasetSpec;
import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;

import java.util.Arrays;

/**
 * How many windows of the pendulum experiment's validation and test splits (30 tasks of 10 sequences, the seeds
 * {@link Experiment} draws them with: 1500 and 2000) fall in each quarter of the training range of ω, the quarters of
 * the reports' {@code zp_by_true_zp}. ω's error is several times larger in the slowest quarter than in the others, so
 * a split with fewer slow pendulums reads a lower mean error (docs/experiments/pendulum-paper-scale/README.md).
 *
 * <pre>java -cp "trainer/target/test-classes:trainer/target/classes:trainer/target/lib/*"
 *   io.hybridcast.trainer.experiment.SplitComposition</pre>
 */
public final class SplitComposition {

    private SplitComposition() {
    }

    public static void main(String[] args) {
        double[] edges = ZpBins.edges(new double[] {0.785, 3.14}, 4);
        for (String split : new String[] {"validation 1500", "test 2000"}) {
            long seed = Long.parseLong(split.split(" ")[1]);
            EpisodicDataset d = EpisodicDatasets.generate(
                    DatasetSpec.defaults(SystemKind.PENDULUM, 30, 10).withSteps(70), seed);
            int[] counts = new int[edges.length - 1];
            for (double[] physics : d.physics()) {
                int bin = 0;
                while (bin < counts.length - 1 && physics[0] >= edges[bin + 1]) {
                    bin++;
                }
                counts[bin]++;
            }
            System.out.println(split + ": windows per quarter of omega " + Arrays.toString(counts)
                    + " (edges " + Arrays.toString(edges) + ")");
        }
    }
}
