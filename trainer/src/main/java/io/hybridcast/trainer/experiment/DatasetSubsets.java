package io.hybridcast.trainer.experiment;

import io.hybridcast.simulator.dataset.EpisodicDataset;

import java.util.ArrayList;
import java.util.List;

/** Subsets of an episodic dataset (the timing set, the MCC-vs-tasks sweep's fewer tasks). */
final class DatasetSubsets {

    private DatasetSubsets() {
    }

    /** The first {@code n} sequences of {@code d}. */
    static EpisodicDataset first(EpisodicDataset d, int n) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keep.add(i);
        }
        return of(d, keep);
    }

    /** The sequences of {@code d} at the indices {@code keep}, in that order. */
    static EpisodicDataset of(EpisodicDataset d, List<Integer> keep) {
        int n = keep.size();
        int[] taskIds = new int[n];
        double[][][] observations = new double[n][][];
        double[][] initial = new double[n][];
        double[][] physics = new double[n][];
        double[][] unmodelled = new double[n][];
        for (int k = 0; k < n; k++) {
            int i = keep.get(k);
            taskIds[k] = d.taskIds()[i];
            observations[k] = d.observations()[i];
            initial[k] = d.initialStates()[i];
            physics[k] = d.physics()[i];
            unmodelled[k] = d.unmodelled()[i];
        }
        return new EpisodicDataset(d.system(), d.dt(), taskIds, observations, initial, d.physicsNames(), physics,
                d.unmodelledNames(), unmodelled);
    }
}
