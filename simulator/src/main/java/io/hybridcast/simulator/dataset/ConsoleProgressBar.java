package io.hybridcast.simulator.dataset;

import java.io.PrintStream;

/** A one-line text progress bar for the command line, redrawn at most once per percent. */
public final class ConsoleProgressBar implements ProgressListener {

    private static final int WIDTH = 40;
    private final PrintStream out;
    private final String label;
    private int lastPercent = -1;

    public ConsoleProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public synchronized void progress(long done, long total) {
        int percent = total <= 0 ? 100 : (int) (100 * done / total);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "% ("
                + done + "/" + total + ")");
        if (done >= total) {
            out.println();
        }
        out.flush();
    }
}
