package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.physics.ParameterRange;
import io.hybridcast.simulator.physics.PhysicalSystem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code --random-faults N}: N faults drawn with the seed over the fleet, cycling through every {@link FaultKind} (so
 * N >= 7 holds each kind at least once), plus about N/4 drive-off events on pendulums. Each draw picks a sensor, a
 * start, a duration and a size a user would call a fault (a physics step of 10-30 %, a drift of 15-30 %, an
 * unmodelled factor moved by 30-60 % of its range, a spike of 0.3-0.8, a noise burst of 10-30 times the noise). Items
 * of one sensor never overlap, with a settling gap after each, and none starts in the first fifth of the horizon (at
 * most a minute): the models get to know a sensor first. Same seed, same fleet, same faults.
 */
final class RandomFaults {

    /** Quiet time after an item on its sensor before the next may start (a new normal settles). */
    private static final double GAP_SECONDS = 30;
    private static final int ATTEMPTS = 5000;

    private RandomFaults() {
    }

    /** What the generator needs of a sensor: its system and its parameters at the start. */
    record Sensor(String id, PhysicalSystem system, double physics, double[] unmodelled) {
    }

    /** One placed item before its size is drawn. */
    private record Slot(Sensor sensor, FaultKind kind, long atSample, long durationSamples, long occupiedUntil) {
    }

    /**
     * Draws {@code n} faults and the events over {@code horizon} of event time, avoiding the ranges already taken by
     * {@code existing} (a scenario file's faults and events).
     *
     * @throws ScenarioException if they cannot be placed without overlap (too many for the fleet and horizon)
     */
    static Scenario draw(List<Sensor> sensors, int n, long seed, Duration horizon, Scenario existing) {
        if (n < 0) {
            throw new IllegalArgumentException("random-faults must be >= 0, got " + n);
        }
        if (n == 0 || sensors.isEmpty()) {
            return Scenario.NONE;
        }
        // the seed's own stream, apart from the sensors' (a fleet with and without random faults is the same fleet)
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double horizonS = horizon.toMillis() / 1000.0;
        double warmS = Math.min(60, horizonS / 5);
        Map<String, List<long[]>> taken = new HashMap<>();
        existing.faults().forEach(f -> taken.computeIfAbsent(f.sensor(), k -> new ArrayList<>())
                .add(new long[] {f.atSequence(), f.endSequence() + 1}));
        existing.events().forEach(e -> taken.computeIfAbsent(e.sensor(), k -> new ArrayList<>())
                .add(new long[] {e.atSequence(), e.endSequence() + 2}));

        List<FaultKind> kinds = new ArrayList<>(List.of(FaultKind.values()));
        for (int i = kinds.size() - 1; i > 0; i--) {
            kinds.set(i, kinds.set(rng.nextInt(i + 1), kinds.get(i)));
        }
        List<Sensor> pendulums = sensors.stream().filter(s -> s.system().kind() == SystemKind.PENDULUM).toList();
        int events = pendulums.isEmpty() ? 0 : Math.max(1, Math.round(n / 4f));
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < n + events; i++) {
            FaultKind kind = i < n ? kinds.get(i % kinds.size()) : null; // null: a drive-off event
            slots.add(place(i < n ? sensors : pendulums, kind, rng, horizonS, warmS, taken));
        }
        return sized(slots, rng);
    }

    private static Slot place(List<Sensor> candidates, FaultKind kind, SplittableRandom rng, double horizonS,
                              double warmS, Map<String, List<long[]>> taken) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Sensor sensor = candidates.get(rng.nextInt(candidates.size()));
            double dt = sensor.system().dt();
            double durationS = durationSeconds(kind, rng, horizonS);
            long duration = Math.max(1, Math.round(durationS / dt));
            if (kind == FaultKind.SPIKE) {
                duration = 1 + rng.nextInt(3);
            }
            double gapS = Math.min(GAP_SECONDS, horizonS / 20);
            double latestS = horizonS - duration * dt - gapS;
            if (latestS <= warmS) {
                continue;
            }
            long at = Math.round((warmS + rng.nextDouble() * (latestS - warmS)) / dt);
            long until = at + duration + Math.round(gapS / dt);
            List<long[]> ranges = taken.computeIfAbsent(sensor.id(), k -> new ArrayList<>());
            boolean free = ranges.stream().noneMatch(r -> at < r[1] && r[0] < until);
            if (free) {
                ranges.add(new long[] {at, until});
                return new Slot(sensor, kind, at, duration, until);
            }
        }
        throw new ScenarioException(String.format(Locale.ROOT, "random-faults: cannot place a %s on %d sensors within"
                + " %.0f s without overlapping another fault; lengthen the run (--duration) or lower --random-faults",
                kind == null ? "drive-off event" : kind, candidates.size(), horizonS));
    }

    /** Seconds an item lasts: drifts and drive-offs long (capped by the horizon), sensor faults a few seconds. */
    private static double durationSeconds(FaultKind kind, SplittableRandom rng, double horizonS) {
        if (kind == null) {
            return Math.min(rng.nextDouble(20, 45), horizonS / 5);
        }
        return switch (kind) {
            case PARAMETER_DRIFT -> Math.min(rng.nextDouble(60, 120), horizonS / 4);
            case STUCK -> rng.nextDouble(2, 5);
            case DROPOUT -> rng.nextDouble(1, 3);
            case NOISE_BURST -> rng.nextDouble(3, 8);
            default -> 0; // steps and unmodelled changes are permanent (1 sample); spikes are counted in samples
        };
    }

    /** Draws the sizes per sensor in time order, from the parameters each item leaves behind. */
    private static Scenario sized(List<Slot> slots, SplittableRandom rng) {
        List<Slot> ordered = new ArrayList<>(slots);
        ordered.sort(Comparator.comparing((Slot s) -> s.sensor().id()).thenComparingLong(Slot::atSample));
        Map<String, double[]> physics = new HashMap<>();
        Map<String, double[]> unmodelled = new HashMap<>();
        List<FaultSpec> faults = new ArrayList<>();
        List<EventSpec> events = new ArrayList<>();
        for (Slot slot : ordered) {
            Sensor sensor = slot.sensor();
            PhysicalSystem system = sensor.system();
            double[] p = physics.computeIfAbsent(sensor.id(), k -> new double[] {sensor.physics()});
            double[] u = unmodelled.computeIfAbsent(sensor.id(), k -> sensor.unmodelled().clone());
            if (slot.kind() == null) {
                events.add(new EventSpec(sensor.id(), OperatingEvent.DRIVE_OFF, slot.atSample(), slot.durationSamples()));
                continue;
            }
            String parameter = null;
            double value = Double.NaN;
            double magnitude = Double.NaN;
            switch (slot.kind()) {
                case PARAMETER_STEP, PARAMETER_DRIFT -> {
                    parameter = system.physicsName();
                    double change = slot.kind() == FaultKind.PARAMETER_STEP ? rng.nextDouble(0.10, 0.30)
                            : rng.nextDouble(0.15, 0.30);
                    value = moved(p[0], p[0] * change, system.physicsRange(), rng);
                    p[0] = value;
                }
                case UNMODELLED_CHANGE -> {
                    List<ParameterRange> ranges = system.unmodelledRanges();
                    int index = rng.nextInt(ranges.size());
                    ParameterRange range = ranges.get(index);
                    parameter = range.name();
                    value = Math.max(0, moved(u[index], rng.nextDouble(0.3, 0.6) * (range.max() - range.min()), range, rng));
                    u[index] = value;
                }
                case SPIKE -> magnitude = (rng.nextBoolean() ? 1 : -1) * rng.nextDouble(0.3, 0.8);
                case NOISE_BURST -> magnitude = rng.nextDouble(10, 30);
                default -> { } // stuck and dropout have no size beyond their duration
            }
            faults.add(new FaultSpec(sensor.id(), slot.kind(), slot.atSample(), slot.durationSamples(), parameter,
                    value, magnitude));
        }
        faults.sort(Comparator.comparingLong(FaultSpec::atSequence).thenComparing(FaultSpec::sensor));
        events.sort(Comparator.comparingLong(EventSpec::atSequence).thenComparing(EventSpec::sensor));
        return new Scenario(faults, events);
    }

    /** {@code current} moved by {@code delta} up or down at random, the other way if that leaves the range. */
    private static double moved(double current, double delta, ParameterRange range, SplittableRandom rng) {
        double up = current + delta;
        double down = current - delta;
        boolean upFits = up <= range.max();
        boolean downFits = down >= range.min();
        if (upFits && downFits) {
            return rng.nextBoolean() ? up : down;
        }
        if (upFits || downFits) {
            return upFits ? up : down;
        }
        return Math.min(range.max(), Math.max(range.min(), up)); // a range narrower than the move: its bound
    }

    /** A readable table of a scenario, one line per fault or event, in time order, for the start-up log. */
    static String table(Scenario scenario, Map<String, PhysicalSystem> systems) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-24s %-18s %9s %9s %10s  %s%n", "sensor",
                "kind", "at (s)", "sample", "lasts (s)", "size"));
        record Row(double atS, String line) {
        }
        List<Row> rows = new ArrayList<>();
        for (FaultSpec f : scenario.faults()) {
            double dt = systems.get(f.sensor()).dt();
            String size = switch (f.kind()) {
                case PARAMETER_STEP -> String.format(Locale.ROOT, "%s -> %.4g", f.parameter(), f.value());
                case PARAMETER_DRIFT -> String.format(Locale.ROOT, "%s drifts to %.4g", f.parameter(), f.value());
                case UNMODELLED_CHANGE -> String.format(Locale.ROOT, "unmodelled %s -> %.4g", f.parameter(), f.value());
                case SPIKE -> String.format(Locale.ROOT, "offset %+.3g", f.magnitude());
                case NOISE_BURST -> String.format(Locale.ROOT, "noise x%.3g", f.magnitude());
                default -> "";
            };
            boolean ranged = f.transientFault() || f.kind() == FaultKind.PARAMETER_DRIFT;
            rows.add(new Row(f.atSequence() * dt, String.format(Locale.ROOT, "%-24s %-18s %9.1f %9d %10s  %s%n",
                    f.sensor(), f.kind(), f.atSequence() * dt, f.atSequence(),
                    ranged ? String.format(Locale.ROOT, "%.2f", f.durationSamples() * dt) : "-", size)));
        }
        for (EventSpec e : scenario.events()) {
            double dt = systems.get(e.sensor()).dt();
            rows.add(new Row(e.atSequence() * dt, String.format(Locale.ROOT, "%-24s %-18s %9.1f %9d %10.2f  %s%n",
                    e.sensor(), e.kind(), e.atSequence() * dt, e.atSequence(), e.durationSamples() * dt,
                    "operating event: drive off, then on")));
        }
        rows.sort(Comparator.comparingDouble(Row::atS));
        rows.forEach(r -> out.append(r.line()));
        return out.toString();
    }
}
