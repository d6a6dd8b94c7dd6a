package io.hybridcast.simulator.fleet;

import java.util.Comparator;
import java.util.List;

/**
 * The scheduled drive-off / drive-on events of one sensor, walked sample by sample: which event a sample announces
 * and whether the drive is off. Events of one sensor do not overlap ({@link Scenario#validate}).
 */
final class EventSchedule {

    private final List<EventSpec> events;
    private int next;
    private EventSpec active;

    EventSchedule(List<EventSpec> events) {
        this.events = events.stream().sorted(Comparator.comparingLong(EventSpec::atSequence)).toList();
    }

    /**
     * Moves to sample {@code s} (called once per sample, in order) and returns the event it announces, or null.
     * Events scheduled before {@code s} (a schedule that starts in the past) are skipped.
     */
    OperatingEvent advanceTo(long s) {
        if (active != null && s > active.endSequence()) {
            active = null;
            return OperatingEvent.DRIVE_ON;
        }
        while (active == null && next < events.size() && events.get(next).atSequence() <= s) {
            EventSpec e = events.get(next++);
            if (e.atSequence() == s) {
                active = e;
                return OperatingEvent.DRIVE_OFF;
            }
        }
        return null;
    }

    /** True while the drive is off. */
    boolean driveOff() {
        return active != null;
    }

    /** Samples from {@code s} until the drive next changes; Long.MAX_VALUE if it never does. */
    long samplesUntilChange(long s) {
        if (active != null) {
            return Math.max(1, active.endSequence() + 1 - s);
        }
        for (int i = next; i < events.size(); i++) {
            if (events.get(i).atSequence() >= s) {
                return Math.max(1, events.get(i).atSequence() - s);
            }
        }
        return Long.MAX_VALUE;
    }
}
