package io.hybridcast.simulator.dataset;

/** Receives progress of a long job, e.g. to draw a console bar. */
@FunctionalInterface
public interface ProgressListener {

    /** Nothing is reported. */
    ProgressListener NONE = (done, total) -> { };

    /** Called after each unit of work; {@code done} runs from 1 to {@code total}. */
    void progress(long done, long total);
}
