package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Under which conditions a sensor's readings were taken, as far as its sensor-level physics must know: the newest
 * range of readings under a sensor-fault flag (windows holding one are no evidence about the physics), whether the
 * drive was off (no forced amplitude then), and the forcing frequency last seen clearly. Kept with
 * {@link SensorPhysics}, in its store.
 */
public final class SensorConditions {

    /** Sequences of the newest sensor-fault range (inclusive); -1 for none. */
    private long faultFrom = -1;
    private long faultTo = -1;
    /** Sequence of the newest DRIVE_OFF (-1: none) and of the DRIVE_ON after it (-1: none yet). */
    private long driveOffFrom = -1;
    private long driveOnAt = -1;
    /** The driven pendulum's forcing frequency as last seen clearly (Hz; NaN: never). */
    private double forcingHz = Double.NaN;
    /** The forced-amplitude drift test's reference starts after this sequence (its last alarm; -1: none). */
    private long forcedFrom = -1;
    /** The line's transport test's reference starts after this sequence (its last alarm; -1: none). */
    private long transportFrom = -1;
    /** The published physics counts windows ending at or after this sequence (a flagged change; -1: all). */
    private long physicsFrom = -1;
    /** The free-swing decay test counts windows starting after this sequence (its last alarm; -1: none). */
    private long decayFrom = -1;
    /**
     * A drive frequency move found by the newest window's inference, taken by the checks that run right after it in
     * the same call: not state (a move lost to a failed call is found again by the pooled search, unflagged).
     */
    private ForcingMove.Move pendingMove;

    /**
     * Readings {@code from} to {@code to} (inclusive) are under a sensor-fault flag. Ranges closer than a window
     * merge, so one window cannot slip between two flags of one episode.
     */
    void sensorFault(long from, long to, int windowLength) {
        if (faultTo >= 0 && from <= faultTo + windowLength && to >= faultFrom) {
            faultFrom = Math.min(faultFrom, from);
            faultTo = Math.max(faultTo, to);
        } else {
            faultFrom = from;
            faultTo = to;
        }
    }

    /** Whether the window ending at {@code sequence} holds a reading under the newest sensor-fault flag. */
    public boolean underFault(long sequence, int windowLength) {
        return faultTo >= 0 && sequence - windowLength + 1 <= faultTo && sequence >= faultFrom;
    }

    /**
     * An operating event at {@code sequence} that switched the drive off (DRIVE_OFF) or on (DRIVE_ON); a start-up or
     * re-excitation (neither) runs with the drive as it was.
     */
    void drive(long sequence, boolean off, boolean on) {
        if (off) {
            driveOffFrom = sequence;
            driveOnAt = -1;
        } else if (on) {
            driveOnAt = sequence;
        }
    }

    /** Sequence at which the drive was last switched off or on; -1: never. */
    long driveSwitchedAt() {
        return Math.max(driveOffFrom, driveOnAt);
    }

    /** Whether the drive was off during some of the window ending at {@code sequence}: no forced amplitude there. */
    boolean driveOffIn(long sequence, int windowLength) {
        return driveOffFrom >= 0 && sequence >= driveOffFrom
                && (driveOnAt < 0 || sequence - windowLength + 1 < driveOnAt);
    }

    /** The forcing frequency last seen clearly (Hz; NaN: never). */
    double forcingHz() {
        return forcingHz;
    }

    void forcingHz(double hz) {
        forcingHz = hz;
    }

    /**
     * The drive moved to another frequency, shown by the window ending at {@code move.sequence()}: the forcing is
     * the new one from that window on, the forced-amplitude drift test's reference starts again with it (amplitudes
     * at two frequencies do not compare), and the move waits for {@link #takeForcingMove()}.
     */
    void forcingMoved(ForcingMove.Move move) {
        forcingHz = move.toHz();
        forcedFrom = move.sequence() - 1;
        pendingMove = move;
    }

    /** The move found by the newest inference, once; null for none. */
    ForcingMove.Move takeForcingMove() {
        ForcingMove.Move move = pendingMove;
        pendingMove = null;
        return move;
    }

    /** The forced-amplitude drift test ({@link ForcedDrift}) counts windows after this sequence. */
    long forcedFrom() {
        return forcedFrom;
    }

    /** A drift was flagged at {@code sequence}: the test's reference starts again after it. */
    void forcedFrom(long sequence) {
        forcedFrom = sequence;
    }

    /** The line's transport shift test ({@link TransportShift}) counts windows after this sequence. */
    long transportFrom() {
        return transportFrom;
    }

    /** A transport shift was flagged at {@code sequence}: the test's reference starts again after it. */
    void transportFrom(long sequence) {
        transportFrom = sequence;
    }

    /** The published sensor-level physics counts the windows ending at or after this sequence (-1: all). */
    long physicsFrom() {
        return physicsFrom;
    }

    /** A physics change was flagged, first carried by the window ending at {@code sequence}. */
    void physicsFrom(long sequence) {
        physicsFrom = sequence;
    }

    /** The free-swing decay test ({@link DecayCheck}) counts windows starting after this sequence. */
    long decayFrom() {
        return decayFrom;
    }

    /** A damping change was flagged at {@code sequence}: the decay test starts again after it. */
    void decayFrom(long sequence) {
        decayFrom = sequence;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(faultFrom);
        out.writeLong(faultTo);
        out.writeLong(driveOffFrom);
        out.writeLong(driveOnAt);
        out.writeDouble(forcingHz);
        out.writeLong(forcedFrom);
        out.writeLong(transportFrom);
        out.writeLong(physicsFrom);
        out.writeLong(decayFrom);
    }

    /**
     * Reads what {@link #write} wrote; sensor-physics format 3 had no reference start, format 4 no transport
     * reference start, format 5 no start of the published physics nor of the decay test.
     */
    static SensorConditions read(DataInputStream in, int physicsVersion) throws IOException {
        SensorConditions c = new SensorConditions();
        c.faultFrom = in.readLong();
        c.faultTo = in.readLong();
        c.driveOffFrom = in.readLong();
        c.driveOnAt = in.readLong();
        c.forcingHz = in.readDouble();
        c.forcedFrom = physicsVersion >= 4 ? in.readLong() : -1;
        c.transportFrom = physicsVersion >= 5 ? in.readLong() : -1;
        c.physicsFrom = physicsVersion >= 6 ? in.readLong() : -1;
        c.decayFrom = physicsVersion >= 6 ? in.readLong() : -1;
        return c;
    }
}
