package io.hybridcast.trainer.basemodel;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.simulator.physics.PhysicalSystem;
import io.hybridcast.simulator.physics.PhysicalSystems;
import org.hipparchus.ode.OrdinaryDifferentialEquation;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A population of simulated sensors of one system, the digital twin the base models are meta-trained on: each
 * sensor is the simulator's true physics ({@link PhysicalSystem}, integrated with Hipparchus' Dormand-Prince
 * 8(5,3)) with its own parameters, drawn uniformly over the inner {@value #INNER_SHARE} of the model's prior
 * range ({@link PriorRange}) for z_p and over the simulator's ranges for the unmodelled factors, observed at the
 * live sample rate with the simulator's noise, in continuous operation from an arbitrary time (so the pendulum's
 * forcing has an arbitrary phase), with the operating events that real machines have and that reveal the
 * physics: start-ups from rest, the drive switched off and on again (pendulum: forcing amplitude 0 for a while,
 * so it swings freely at its own ω), re-excitations (a push, a fresh release of material), and the live
 * sensor's re-excitation after running down. The draws come from the seed alone, so no sensor is one of the live
 * fleet's (whose parameters come from the scenario's own seed).
 */
public final class TwinPopulation {

    /** Share of the prior range z_p is drawn from (centred): a head that maps into the range by a sigmoid cannot
     *  reach its bounds, so no sensor is put on them. */
    static final double INNER_SHARE = 0.95;
    /** Integrator tolerance: ample for training data (the live simulator uses 1e-10 for its benchmarks). */
    private static final double TOLERANCE = 1e-8;
    /** Samples a sensor stays run down before it is re-excited, as the live simulator does. */
    private static final int RUN_DOWN_SAMPLES = 100;
    /** Samples integrated in one go between checks for events and running down. */
    private static final int CHUNK = 10;

    /** Operating events. */
    public enum Event { START_FROM_REST, DRIVE_OFF, DRIVE_ON, RE_EXCITATION, RUN_DOWN_RE_EXCITATION }

    /**
     * One simulated sensor.
     *
     * @param physics    its z_p
     * @param unmodelled its unmodelled factors
     * @param samples    [time][channel] noisy observations (one array per sample, shared by the windows cut from it)
     * @param events     how many events of each kind happened, by {@link Event#ordinal()}
     * @param driveOff   the samples taken with the drive switched off (the live simulator announces those events,
     *                   so the streams app knows them too)
     */
    public record Sensor(double physics, double[] unmodelled, double[][] samples, int[] events, BitSet driveOff) {

        /** A sensor whose drive never went off. */
        public Sensor(double physics, double[] unmodelled, double[][] samples, int[] events) {
            this(physics, unmodelled, samples, events, new BitSet());
        }

        /** Whether the drive was off at any sample in [from, to). */
        public boolean driveOffIn(int from, int to) {
            int next = driveOff.nextSetBit(from);
            return next >= 0 && next < to;
        }
    }

    /**
     * How the population is drawn.
     *
     * @param system          the system
     * @param sensors         how many sensors
     * @param seconds         seconds of operation per sensor
     * @param meanEventGap    mean seconds between operating events (Poisson)
     * @param physicsRange    range z_p is drawn from (uniformly)
     */
    public record Spec(SystemKind system, int sensors, double seconds, double meanEventGap, PriorRange physicsRange) {

        /** The default spec of a system: z_p over the inner share of its prior range. */
        public static Spec of(SystemKind system, int sensors, double seconds, double meanEventGap) {
            PriorRange prior = PriorRange.forSystem(system.name());
            double margin = (1 - INNER_SHARE) / 2 * prior.width();
            return new Spec(system, sensors, seconds, meanEventGap,
                    new PriorRange(prior.min() + margin, prior.max() - margin));
        }
    }

    private TwinPopulation() {
    }

    /** Simulates the population; the same spec and seed give the same sensors. */
    public static List<Sensor> simulate(Spec spec, long seed) {
        return simulate(spec, seed, false);
    }

    /**
     * Simulates the population; with {@code liveStart} every sensor is observed from the moment it is set in
     * motion, as the live simulator starts its sensors (in motion, from a random state, no run-in), so the
     * start-up transient is all it reveals before steady state unless events follow.
     */
    public static List<Sensor> simulate(Spec spec, long seed, boolean liveStart) {
        PhysicalSystem system = PhysicalSystems.of(spec.system());
        SplittableRandom root = new SplittableRandom(seed);
        List<Sensor> out = new ArrayList<>(spec.sensors());
        for (int i = 0; i < spec.sensors(); i++) {
            out.add(simulateOne(system, spec, root.split(), liveStart));
        }
        return out;
    }

    private static Sensor simulateOne(PhysicalSystem system, Spec spec, SplittableRandom rng, boolean liveStart) {
        double dt = system.dt();
        int n = (int) Math.round(spec.seconds() / dt);
        double physics = spec.physicsRange().min() + spec.physicsRange().width() * rng.nextDouble();
        double[] unmodelled = system.sampleUnmodelled(rng);
        // the pendulum's drive is its forcing amplitude A; other systems have no drive to switch
        int drive = spec.system() == SystemKind.PENDULUM ? 1 : -1;
        double driveOn = drive >= 0 ? unmodelled[drive] : 0;
        double[] factors = unmodelled.clone();
        GroundTruthIntegrator integrator = new GroundTruthIntegrator(TOLERANCE);
        double noise = system.defaultNoiseStd();
        int[] events = new int[Event.values().length];
        // continuous operation seen from an arbitrary moment: an arbitrary time (the forcing's phase) and either a
        // start-up from rest at that moment or a state that has run for a while already
        double t = 1000 * rng.nextDouble();
        double[] state;
        if (liveStart) {
            state = system.initialState(rng, false);
        } else if (rng.nextDouble() < 0.3) {
            state = system.initialState(rng, true);
            events[Event.START_FROM_REST.ordinal()]++;
        } else {
            state = system.initialState(rng, false);
            integrator.advanceSamples(system.equations(physics, factors), t, state, dt, (int) Math.round(20 / dt));
            t += 20;
        }
        OrdinaryDifferentialEquation ode = system.equations(physics, factors);
        double[][] samples = new double[n][];
        BitSet driveOff = new BitSet(n);
        double[] observed = new double[system.channels()];
        double nextEvent = t + exponential(rng, spec.meanEventGap());
        double driveBackAt = Double.NaN;
        int quiet = 0;
        int k = 0;
        while (k < n) {
            if (!Double.isNaN(driveBackAt) && t >= driveBackAt) {
                factors[drive] = driveOn;
                ode = system.equations(physics, factors);
                driveBackAt = Double.NaN;
                events[Event.DRIVE_ON.ordinal()]++;
            }
            if (t >= nextEvent) {
                Event event = drawEvent(rng, drive >= 0 && Double.isNaN(driveBackAt));
                switch (event) {
                    case START_FROM_REST -> state = system.initialState(rng, true);
                    case RE_EXCITATION -> system.excite(state, rng);
                    case DRIVE_OFF -> {
                        factors[drive] = 0;
                        ode = system.equations(physics, factors);
                        driveBackAt = t + 5 + 15 * rng.nextDouble();
                    }
                    default -> throw new IllegalStateException("not drawn: " + event);
                }
                events[event.ordinal()]++;
                nextEvent = t + exponential(rng, spec.meanEventGap());
            }
            int chunk = Math.min(CHUNK, n - k);
            double[][] states = integrator.advanceSamples(ode, t, state, dt, chunk);
            for (double[] s : states) {
                system.observe(s, observed);
                double[] sample = new double[observed.length];
                for (int c = 0; c < sample.length; c++) {
                    sample[c] = observed[c] + noise * gaussian(rng);
                }
                driveOff.set(k, !Double.isNaN(driveBackAt));
                samples[k++] = sample;
                quiet = system.runDown(s) ? quiet + 1 : 0;
            }
            t += chunk * dt;
            if (quiet >= RUN_DOWN_SAMPLES) {
                system.excite(state, rng);
                quiet = 0;
                events[Event.RUN_DOWN_RE_EXCITATION.ordinal()]++;
            }
        }
        return new Sensor(physics, unmodelled, samples, events, driveOff);
    }

    private static Event drawEvent(SplittableRandom rng, boolean driveCanStop) {
        int kinds = driveCanStop ? 3 : 2;
        return switch (rng.nextInt(kinds)) {
            case 0 -> Event.START_FROM_REST;
            case 1 -> Event.RE_EXCITATION;
            default -> Event.DRIVE_OFF;
        };
    }

    private static double exponential(SplittableRandom rng, double mean) {
        return -mean * Math.log(1 - rng.nextDouble());
    }

    /** A standard normal draw (Box-Muller), so the draws depend on the seed alone. */
    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
