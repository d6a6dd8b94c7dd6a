package io.hybridcast.simulator.dataset;

import org.slf4j.Logger;

/** Progress as SLF4J INFO lines, one per 10 %, for services and big jobs without a console. */
public final class LogProgress implements ProgressListener {

    private final Logger log;
    private final String label;
    private int lastDecile = -1;

    public LogProgress(Logger log, String label) {
        this.log = log;
        this.label = label;
    }

    @Override
    public synchronized void progress(long done, long total) {
        int decile = total <= 0 ? 10 : (int) (10 * done / total);
        if (decile != lastDecile) {
            lastDecile = decile;
            log.info("{}: {}/{} ({}%)", label, done, total, decile * 10);
        }
    }
}
