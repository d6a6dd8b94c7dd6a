package io.hybridcast.streams.anomaly;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Hysteresis for one anomaly kind of one sensor: it raises after {@code raiseAfter} consecutive
 * observations above the threshold and clears only after {@code clearAfter} consecutive ones at or below it.
 * An anomaly is emitted once, on the raise; while raised, further high scores extend the episode silently,
 * so a level shift alerts once and not on every sample.
 */
public final class Latch {

    /** What one observation did to the latch. */
    public enum Transition { NONE, RAISED, CLEARED }

    private boolean active;
    private int above;
    private int below;
    private long firstAboveSequence = -1;
    private double peakScore;

    /** Feeds one observation; returns whether it raised or cleared the flag. */
    public Transition observe(double score, double threshold, long sequence, int raiseAfter, int clearAfter) {
        if (score > threshold) {
            below = 0;
            if (above == 0) {
                firstAboveSequence = sequence;
                peakScore = score;
            }
            above++;
            peakScore = Math.max(peakScore, score);
            if (!active && above >= raiseAfter) {
                active = true;
                return Transition.RAISED;
            }
        } else {
            above = 0;
            if (active) {
                below++;
                if (below >= clearAfter) {
                    active = false;
                    below = 0;
                    return Transition.CLEARED;
                }
            }
        }
        return Transition.NONE;
    }

    public boolean active() {
        return active;
    }

    /** Sequence number of the first observation of the current run above the threshold. */
    public long firstAboveSequence() {
        return firstAboveSequence;
    }

    /** Highest score of the current run above the threshold. */
    public double peakScore() {
        return peakScore;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeBoolean(active);
        out.writeInt(above);
        out.writeInt(below);
        out.writeLong(firstAboveSequence);
        out.writeDouble(peakScore);
    }

    public static Latch read(DataInputStream in) throws IOException {
        Latch latch = new Latch();
        latch.active = in.readBoolean();
        latch.above = in.readInt();
        latch.below = in.readInt();
        latch.firstAboveSequence = in.readLong();
        latch.peakScore = in.readDouble();
        return latch;
    }
}
