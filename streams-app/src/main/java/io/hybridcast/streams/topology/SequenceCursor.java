package io.hybridcast.streams.topology;

/**
 * Where a sensor's stream stands: the newest accepted sequence number and event time, how many contiguous
 * samples led up to it (since the first one or the last gap), and how many readings were accepted in all.
 */
public final class SequenceCursor {

    private long lastSequence = -1;
    private long lastEventTime;
    private long contiguousSamples;
    private long readings;

    SequenceCursor() {
    }

    SequenceCursor(long lastSequence, long lastEventTime, long contiguousSamples, long readings) {
        this.lastSequence = lastSequence;
        this.lastEventTime = lastEventTime;
        this.contiguousSamples = contiguousSamples;
        this.readings = readings;
    }

    /** Whether {@code sequence} does not follow the newest accepted one directly (never true for the first). */
    public boolean gapBefore(long sequence) {
        return lastSequence >= 0 && sequence != lastSequence + 1;
    }

    /** Starts the contiguous run afresh (after a gap). */
    void restartRun() {
        contiguousSamples = 0;
    }

    /** A new session: the next sequence is accepted whatever its number (the event time stays as the order). */
    void newSession() {
        lastSequence = -1;
        contiguousSamples = 0;
    }

    /** Accepts the reading {@code sequence} taken at {@code eventTime}. */
    void advance(long sequence, long eventTime) {
        contiguousSamples++;
        lastSequence = sequence;
        lastEventTime = eventTime;
        readings++;
    }

    /** The newest accepted sequence number, -1 before the first. */
    public long lastSequence() {
        return lastSequence;
    }

    public long lastEventTime() {
        return lastEventTime;
    }

    /** Contiguous samples since the first one or since the last sequence gap. */
    public long contiguousSamples() {
        return contiguousSamples;
    }

    /** Readings accepted in all. */
    public long readings() {
        return readings;
    }
}
