package io.hybridcast.model.line;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The line's unmodelled remainder as the digital twin's population shows it: a linear operator B on the 20 grid
 * points such that u_t ≈ D·Δu + a·B u, with a per sensor. It is learnt from simulated sensors whose D is known
 * ({@link RemainderOperatorFit}), never from the live fleet, and shipped as a resource
 * ({@value #RESOURCE}, made by {@code trainer line-remainder}; docs/trainer.md). Why it is needed: the physics alone
 * cannot tell diffusion from what it leaves out (docs/decisions.md, "The line's D").
 *
 * @param matrix   [row][column], square
 * @param stdScale factor on a window fit's least-squares std so that its 95 % interval holds the truth on 95 % of
 *                 the training windows (B and the trapezoid rule are not exact, so the residuals are not white
 *                 noise and the bare std is too narrow); 1 for none
 */
public record RemainderOperator(double[][] matrix, double stdScale) {

    /** Classpath resource of the shipped operator. */
    public static final String RESOURCE = "/io/hybridcast/model/line/remainder-operator.txt";
    private static final String STD_SCALE = "std-scale";

    public RemainderOperator {
        if (!(stdScale >= 1) || !Double.isFinite(stdScale)) {
            throw new IllegalArgumentException("the remainder operator's std scale must be finite and >= 1, got "
                    + stdScale);
        }
        for (double[] row : matrix) {
            if (row.length != matrix.length) {
                throw new IllegalArgumentException("the remainder operator must be square, got a row of " + row.length
                        + " in " + matrix.length + " rows");
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("the remainder operator holds a non-finite value");
                }
            }
        }
    }

    /** Size (grid points). */
    public int size() {
        return matrix.length;
    }

    /** B v. */
    public double[] apply(double[] v) {
        double[] out = new double[matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += matrix[i][j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }

    /** The shipped operator. */
    public static RemainderOperator shipped() {
        try (InputStream in = RemainderOperator.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the line's remainder operator " + RESOURCE + " is not on the classpath");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same matrix with another std scale. */
    public RemainderOperator withStdScale(double scale) {
        return new RemainderOperator(matrix, scale);
    }

    /**
     * Reads the text form ({@link #write}): '#' comment lines, a line {@code std-scale <value>}, then one row per
     * line, values split by spaces.
     */
    public static RemainderOperator read(InputStream in) throws IOException {
        List<double[]> rows = new ArrayList<>();
        double scale = 1;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+");
            if (parts[0].equals(STD_SCALE)) {
                scale = Double.parseDouble(parts[1]);
                continue;
            }
            double[] row = new double[parts.length];
            for (int j = 0; j < parts.length; j++) {
                row[j] = Double.parseDouble(parts[j]);
            }
            rows.add(row);
        }
        return new RemainderOperator(rows.toArray(new double[0][]), scale);
    }

    /** The text form, with {@code comment} (may hold several lines) as '#' lines first. */
    public String write(String comment) {
        StringBuilder b = new StringBuilder();
        comment.lines().forEach(l -> b.append("# ").append(l).append('\n'));
        b.append(STD_SCALE).append(' ').append(String.format(Locale.ROOT, "%.6f", stdScale)).append('\n');
        for (double[] row : matrix) {
            for (int j = 0; j < row.length; j++) {
                b.append(j == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.9e", row[j]));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
