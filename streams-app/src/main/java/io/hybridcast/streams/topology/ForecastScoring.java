package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The small mutable part of a sensor's pending forecasts, changed by every actual: what its past actuals taught
 * about its forecasts ({@link ForecastCalibration}) and its sequential forecast-deviation test
 * ({@link DeviationCusum}). One value per sensor in {@link StoreNames#PENDING_FORECASTS}, written once per commit;
 * the forecasts themselves, which never change once made, are records of their own ({@link PendingForecasts}).
 */
public final class ForecastScoring {

    public ForecastCalibration calibration = new ForecastCalibration();
    public DeviationCusum cusum = new DeviationCusum();
    /**
     * Forecasts found in a value of formats 1 to 4 (which held them all, before they became records of their own),
     * to be moved to their records at the first read ({@link PendingForecasts#scoring}); empty otherwise.
     */
    final List<PendingForecasts.Entry> carried = new ArrayList<>(0);

    /**
     * Format 6: the calibration packed ({@link ForecastCalibration#writePacked}), then the deviation test. Format 5
     * was the same with the calibration field by field; formats 1 to 4 (the forecasts, then from format 3 the
     * calibration, from format 4 the test) are still read, so an upgrade keeps what each sensor learnt.
     */
    public static final StateSerde<ForecastScoring> SERDE = new StateSerde<>("pending forecasts", 6, 1,
            ForecastScoring::write, ForecastScoring::read);

    private static void write(ForecastScoring s, DataOutputStream out) throws IOException {
        s.calibration.writePacked(out);
        s.cusum.write(out);
    }

    private static ForecastScoring read(DataInputStream in, int version) throws IOException {
        ForecastScoring s = new ForecastScoring();
        if (version < 5) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.carried.add(PendingForecasts.readEntry(in, version));
            }
        }
        if (version >= 6) {
            s.calibration = ForecastCalibration.readPacked(in);
        } else if (version >= 3) {
            s.calibration = ForecastCalibration.read(in);
        }
        if (version >= 4) {
            s.cusum = DeviationCusum.read(in);
        }
        return s;
    }
}
