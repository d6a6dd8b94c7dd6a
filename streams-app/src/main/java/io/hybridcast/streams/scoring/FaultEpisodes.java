package io.hybridcast.streams.scoring;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.FaultKind;
import io.hybridcast.streams.topology.TruthLog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The injected faults of a sensor's ground truth as episodes, and the rule that matches an alarm to one: an
 * alarm matches an episode when its sequence range overlaps the episode's, a transient fault's or a drift's
 * extended by one window ({@code slackSamples}: detections need a window of evidence), a fault in force for good
 * (a parameter step, an unmodelled change) within {@code onsetSamples} of its onset (after that it is the
 * sensor's new normal and a later flag is not its detection). Scoring only.
 */
public final class FaultEpisodes {

    private FaultEpisodes() {
    }

    /** One injected fault as a whole; {@code matchTo} is the last sequence a detection may start at. */
    public record Episode(FaultKind kind, long fromSequence, long matchTo) {
    }

    /** Faults in force for good: each truth record is its own change, matched near its own onset only. */
    static boolean permanent(FaultKind kind) {
        return kind == FaultKind.PARAMETER_STEP || kind == FaultKind.UNMODELLED_CHANGE;
    }

    /**
     * The fault episodes of a sensor's truth log, in sequence order. A step or an unmodelled change is matched
     * within {@code onsetSamples} of its onset whatever truth follows it (a later operating event or fault does not
     * stretch or cut its window); the records of a drift (re-published with its current value) and contiguous
     * records of a transient fault are one episode each.
     */
    public static List<Episode> of(TruthLog truth, long slackSamples, long onsetSamples) {
        List<TruthLog.Range> ranges = new ArrayList<>(truth.ranges);
        ranges.sort(Comparator.comparingLong(TruthLog.Range::fromSequence));
        List<Episode> episodes = new ArrayList<>();
        FaultKind kind = null;
        long from = 0;
        long to = 0;        // effective end of the episode so far; Long.MAX_VALUE while still in force
        long newest = 0;    // start of its newest truth record
        for (int i = 0; i <= ranges.size(); i++) {
            TruthLog.Range r = i < ranges.size() ? ranges.get(i) : null;
            boolean continues = r != null && kind != null && r.fault() == kind
                    && (to == Long.MAX_VALUE || r.fromSequence() <= to + 1);
            if (kind != null && !continues) {
                // an open drift ends where the next truth record (of any kind) takes over
                long end = to == Long.MAX_VALUE && r != null ? r.fromSequence() - 1 : to;
                episodes.add(new Episode(kind, from, end == Long.MAX_VALUE ? newest + onsetSamples
                        : end + slackSamples));
                kind = null;
            }
            if (r == null || r.fault() == null) {
                continue;
            }
            if (permanent(r.fault())) {
                episodes.add(new Episode(r.fault(), r.fromSequence(), r.fromSequence() + onsetSamples));
                continue;
            }
            if (kind == null) {
                kind = r.fault();
                from = r.fromSequence();
                to = r.toSequence();
            } else {
                to = r.toSequence() == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(to, r.toSequence());
            }
            newest = r.fromSequence();
        }
        episodes.sort(Comparator.comparingLong(Episode::fromSequence));
        return episodes;
    }

    /**
     * How far the true physics had moved, relative to its value just before the episode, at {@code sequence}:
     * the largest relative change over the parameters, interpolated between the truth records around it (a
     * drift is re-published every few samples); null when the truth does not say.
     */
    public static Double movedAt(TruthLog truth, long episodeStart, long sequence) {
        TruthLog.Range before = truth.physicsAt(episodeStart - 1);
        TruthLog.Range at = truth.physicsAt(sequence);
        if (before == null || at == null) {
            return null;
        }
        TruthLog.Range next = null;
        for (TruthLog.Range r : truth.ranges) {
            if (r.fromSequence() > sequence && !r.physics().isEmpty()
                    && (next == null || r.fromSequence() < next.fromSequence())) {
                next = r;
            }
        }
        double moved = 0;
        for (Map.Entry<String, Double> e : before.physics().entrySet()) {
            Double now = at.physics().get(e.getKey());
            if (now == null) {
                continue;
            }
            if (next != null && next.physics().get(e.getKey()) != null && next.fromSequence() > at.fromSequence()) {
                double w = (double) (sequence - at.fromSequence()) / (next.fromSequence() - at.fromSequence());
                now = now + w * (next.physics().get(e.getKey()) - now);
            }
            moved = Math.max(moved, Math.abs(now - e.getValue()) / Math.max(Math.abs(e.getValue()), 1e-12));
        }
        return moved;
    }

    /** A drift is flagged in time when the parameter had moved less than this fraction (issue 11). */
    public static final double DRIFT_IN_TIME = 0.15;

    /** Whether the alarm's sequence range overlaps the episode's match range. */
    public static boolean matches(Anomaly a, Episode fault) {
        return a.getFromSequence() <= fault.matchTo() && a.getToSequence() >= fault.fromSequence();
    }
}
