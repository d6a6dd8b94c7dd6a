package io.hybridcast.streams.topology;

/**
 * Whether a sensor waits for a forecast, and the query it waits with: the sequence number and event time of
 * the newest sample of the query window, and that window as it was when the sensor became due.
 */
public final class DueQuery {

    private boolean due;
    private long sequence = -1;
    private long eventTime;
    private double[][] window = new double[0][];
    /** When it became due on this instance's clock (System.nanoTime); 0 when restored from the store. */
    private long markedAtNanos;

    DueQuery() {
    }

    DueQuery(boolean due, long sequence, long eventTime, double[][] window) {
        this.due = due;
        this.sequence = sequence;
        this.eventTime = eventTime;
        this.window = window;
    }

    /** The sensor becomes due with {@code window}, whose newest sample is {@code sequence} at {@code eventTime}. */
    void mark(long sequence, long eventTime, double[][] window) {
        this.due = true;
        this.sequence = sequence;
        this.eventTime = eventTime;
        this.window = window;
        this.markedAtNanos = System.nanoTime();
    }

    /** The query was answered or skipped: the sensor is no longer due (its window is not kept). */
    void clear() {
        due = false;
        window = new double[0][];
    }

    public boolean due() {
        return due;
    }

    /** Sequence number of the query window's newest sample (kept after the query was answered). */
    public long sequence() {
        return sequence;
    }

    public long eventTime() {
        return eventTime;
    }

    /** When the sensor became due, on this instance's nanosecond clock; 0 for a query restored from the store. */
    long markedAtNanos() {
        return markedAtNanos;
    }

    /** The query window, [time][channel]; empty when not due. */
    public double[][] window() {
        return window;
    }
}
