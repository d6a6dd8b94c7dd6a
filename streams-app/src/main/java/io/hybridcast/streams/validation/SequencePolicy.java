package io.hybridcast.streams.validation;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.SensorSystems;

/**
 * How a reading's sequence number must relate to the sensor's last one. Three outcomes:
 * <ul>
 *   <li><b>accept</b>: the next sequence, or a forward gap the elapsed event time explains (a dropout);</li>
 *   <li><b>new session</b>: a sequence at or below the last one with a later event time: the sensor (or its
 *       publisher) restarted and counts from 0 again. Its window and context restart; nothing is dead-lettered;</li>
 *   <li><b>refuse</b>: a duplicate, an older reading arriving late (lower sequence, not later event time), a change
 *       of system, or a jump further ahead than the elapsed event time allows at the system's sample rate.</li>
 * </ul>
 * Why: refusing every lower sequence made a reboot dead-letter all readings until the new count passed the old
 * one (22 279 readings after one restart of the local stack), and one reading with sequence 10^15 dead-lettered
 * every later reading of its sensor for ever. A refused reading never changes the sensor's state, so it cannot
 * poison the readings after it.
 */
public final class SequencePolicy {

    /** What to do with a reading. */
    public enum Outcome { ACCEPT, NEW_SESSION, REFUSE }

    /** The outcome, with the reason when refused or a new session. */
    public record Verdict(Outcome outcome, String reason) {
        static final Verdict ACCEPTED = new Verdict(Outcome.ACCEPT, null);

        public boolean refused() {
            return outcome == Outcome.REFUSE;
        }

        public boolean newSession() {
            return outcome == Outcome.NEW_SESSION;
        }
    }

    /** Samples a jump may exceed what the elapsed time allows by: clock jitter between sensor and publisher. */
    public static final long JUMP_SLACK_SAMPLES = 100;
    /** Relative slack on the elapsed time: a sensor's clock may run a little fast against its sample counter. */
    public static final double JUMP_SLACK_FACTOR = 1.1;

    /**
     * Judges {@code reading} against the sensor's last accepted one ({@code lastSequence} < 0: none yet).
     */
    public Verdict judge(SensorReading reading, SystemKind knownSystem, long lastSequence, long lastEventTime) {
        if (knownSystem != null && knownSystem != reading.getSystem()) {
            return refuse("sensor " + reading.getSensorId() + " is a " + knownSystem + " sensor but this reading says "
                    + reading.getSystem());
        }
        if (lastSequence < 0) {
            return Verdict.ACCEPTED;
        }
        long seq = reading.getSequence();
        long time = reading.getEventTime().toEpochMilli();
        if (seq == lastSequence && time <= lastEventTime) {
            return refuse("sequence " + seq + " repeats the last one (duplicate sample)");
        }
        if (seq <= lastSequence) {
            if (time > lastEventTime) {
                return new Verdict(Outcome.NEW_SESSION, "sequence " + seq + " after " + lastSequence + " with a later "
                        + "event time (" + (time - lastEventTime) + " ms later): the sensor restarted its count");
            }
            return refuse("sequence " + seq + " goes backwards (last was " + lastSequence + ")");
        }
        long interval = SensorSystems.of(reading.getSystem()).sampleIntervalMillis();
        long elapsed = Math.max(0, time - lastEventTime);
        double allowed = JUMP_SLACK_FACTOR * elapsed / interval + JUMP_SLACK_SAMPLES;
        long jump = seq - lastSequence; // > 0; both are non-negative, so no overflow
        if (jump > allowed) {
            return refuse("sequence " + seq + " jumps " + jump + " ahead of the last (" + lastSequence + ") but only "
                    + elapsed + " ms of event time passed, room for at most " + (long) allowed + " samples at "
                    + interval + " ms per sample");
        }
        return Verdict.ACCEPTED;
    }

    private static Verdict refuse(String reason) {
        return new Verdict(Outcome.REFUSE, reason);
    }
}
