package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.physics.ContinuousTrajectory;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.simulator.physics.PhysicalSystem;
import org.apache.avro.Schema;
import org.apache.avro.generic.PrimitivesArrays;
import org.hipparchus.ode.OrdinaryDifferentialEquation;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * One live sensor: a physical system instance that runs continuously (its state carries over from sample to
 * sample, it never restarts), observed with Gaussian noise, with its scheduled faults and the ground truth
 * they imply. Driven by one thread.
 */
final class SimulatedSensor {

    /** Samples a system must stay run down before it is re-excited (a few seconds at 20-50 ms per sample). */
    static final int RUN_DOWN_SAMPLES = 100;
    private static final Schema VALUES_SCHEMA = SensorReading.getClassSchema().getField("values").schema();

    private final String id;
    private final PhysicalSystem system;
    private final SystemKind kind;
    private final long intervalMillis;
    private final double dt;
    private final long startEventMillis;
    private final double noiseStd;
    private final RandomGenerator rng;
    private final int driftTruthInterval;
    private final List<FaultSpec> faults;
    private int nextFault;

    private double physics;
    private final double[] unmodelled;
    private final double[] state;
    private long sequence;
    private OrdinaryDifferentialEquation ode;

    private final double[] observation;
    private double[] lastObservation;
    private FaultSpec activeTransient;
    private FaultSpec activeDrift;
    private double driftStartValue;
    private double[] stuckValues;
    private int quietSamples;
    private ContinuousTrajectory trajectory;
    private boolean restartIntegration;
    private AtomicLong readingCounter = new AtomicLong();
    /** Position of this sensor's id among its simulation thread's sensors (the tie-break of equal event times). */
    int rank;

    SimulatedSensor(String id, PhysicalSystem system, long startEventMillis, RandomGenerator rng,
                    List<FaultSpec> faults, int driftTruthInterval) {
        this.id = id;
        this.system = system;
        this.kind = system.kind();
        this.intervalMillis = system.spec().sampleIntervalMillis();
        this.dt = system.dt();
        this.startEventMillis = startEventMillis;
        this.rng = rng;
        this.noiseStd = system.defaultNoiseStd();
        this.driftTruthInterval = driftTruthInterval;
        this.faults = faults.stream().sorted(Comparator.comparingLong(FaultSpec::atSequence)).toList();
        this.physics = system.physicsRange().sample(rng);
        this.unmodelled = system.sampleUnmodelled(rng);
        this.state = system.initialState(rng, false);
        this.observation = new double[system.channels()];
        this.ode = system.equations(physics, unmodelled);
    }

    String id() {
        return id;
    }

    /** The fleet's counter of this sensor's readings (see {@link FleetStats#sensorCounter}). */
    void bindReadingCounter(AtomicLong counter) {
        this.readingCounter = counter;
    }

    AtomicLong readingCounter() {
        return readingCounter;
    }

    SystemKind kind() {
        return kind;
    }

    long sequence() {
        return sequence;
    }

    /** Event time of the next sample, epoch ms. */
    long nextEventMillis() {
        return startEventMillis + sequence * intervalMillis;
    }

    double physics() {
        return physics;
    }

    double[] state() {
        return state.clone();
    }

    /**
     * Takes the next sample: starts due faults (publishing their truth), observes the current state, publishes the
     * reading (unless dropped out), then integrates the true dynamics to the next sample time.
     *
     * @return true if a reading was published
     */
    boolean step(FleetSink sink, GroundTruthIntegrator integrator) {
        long s = sequence;
        long eventMillis = nextEventMillis();
        if (s == 0) {
            sink.truth(truth(0, null, null, "initial parameters of " + id, eventMillis));
        }
        while (nextFault < faults.size() && faults.get(nextFault).atSequence() == s) {
            startFault(faults.get(nextFault++), sink, eventMillis);
        }
        if (activeDrift != null) {
            driftStep(s, sink, eventMillis);
        }

        system.observe(state, observation);
        double std = noiseStd;
        FaultKind transientKind = activeTransient == null ? null : activeTransient.kind();
        if (transientKind == FaultKind.NOISE_BURST) {
            std *= activeTransient.magnitude();
        }
        for (int c = 0; c < observation.length; c++) {
            observation[c] += std * rng.nextGaussian();
        }
        if (transientKind == FaultKind.SPIKE) {
            for (int c = 0; c < observation.length; c++) {
                observation[c] += activeTransient.magnitude();
            }
        } else if (transientKind == FaultKind.STUCK) {
            System.arraycopy(stuckValues, 0, observation, 0, observation.length);
        }
        boolean published = transientKind != FaultKind.DROPOUT;
        if (published) {
            // Avro's primitive array (what a reader decodes into): no boxing here or when the serde writes it
            PrimitivesArrays.DoubleArray values = new PrimitivesArrays.DoubleArray(observation.length, VALUES_SCHEMA);
            for (int c = 0; c < observation.length; c++) {
                values.add(c, observation[c]);
            }
            sink.reading(new SensorReading(id, kind, s, Instant.ofEpochMilli(eventMillis), values, null));
        }
        if (lastObservation == null) {
            lastObservation = new double[observation.length];
        }
        System.arraycopy(observation, 0, lastObservation, 0, observation.length);

        if (activeTransient != null && s == activeTransient.endSequence()) {
            FaultSpec ended = activeTransient;
            activeTransient = null;
            sink.truth(truth(s + 1, null, null, id + " healthy again after " + describe(ended), eventMillis));
        }
        if (activeDrift != null && s == activeDrift.endSequence()) {
            FaultSpec ended = activeDrift;
            activeDrift = null;
            sink.truth(truth(s + 1, null, null, String.format(Locale.ROOT, "%s drift of %s ended at %.4g",
                    id, ended.parameter(), physics), eventMillis));
        }

        advance(integrator);
        sequence++;
        // A system that stays run down is kicked again so the sensor stays informative; that is an outside
        // input the model's physics does not know, so it is published as truth (only between faults, so as not
        // to cut a fault's range short).
        quietSamples = system.runDown(state) ? quietSamples + 1 : 0;
        if (quietSamples >= RUN_DOWN_SAMPLES && activeTransient == null && activeDrift == null) {
            system.excite(state, rng);
            restartIntegration();
            quietSamples = 0;
            sink.truth(truth(sequence, null, null, id + " re-excited after running down (outside input)", eventMillis));
        }
        return published;
    }

    /**
     * Moves the true state to the next sample time. The sensor's trajectory is integrated without end (see
     * {@link ContinuousTrajectory}); samples come from the dense output of the step that contains them. No step
     * crosses a sample at which a parameter changes (the barrier), so a change starts from an exact step end; a change
     * of parameters or state restarts the integration there, keeping the step size.
     */
    private void advance(GroundTruthIntegrator integrator) {
        double now = sequence * dt;
        if (trajectory == null) {
            trajectory = integrator.newTrajectory(dt);
            trajectory.start(ode, now, state, dt);
        } else if (restartIntegration) {
            trajectory.restart(ode, now, state);
        }
        restartIntegration = false;
        long until = samplesUntilParameterChange();
        trajectory.setBarrier(until == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : (sequence + until) * dt);
        trajectory.stateAt((sequence + 1) * dt, state);
    }

    /** Derivative evaluations of this sensor's integration so far (for profiling). */
    long evaluations() {
        return trajectory == null ? 0 : trajectory.evaluations();
    }

    /** Samples that can be integrated with the current parameters from the current sample on. */
    private long samplesUntilParameterChange() {
        if (activeDrift != null) {
            return 1; // a drift changes the parameter at every sample
        }
        for (int i = nextFault; i < faults.size(); i++) {
            FaultSpec f = faults.get(i);
            if (f.kind() == FaultKind.PARAMETER_STEP || f.kind() == FaultKind.UNMODELLED_CHANGE
                    || f.kind() == FaultKind.PARAMETER_DRIFT) {
                return Math.max(1, f.atSequence() - sequence);
            }
        }
        return Long.MAX_VALUE;
    }

    /** The parameters or the state changed from outside: the integration continues from the current sample. */
    private void restartIntegration() {
        restartIntegration = true;
    }

    private void startFault(FaultSpec f, FleetSink sink, long eventMillis) {
        long s = f.atSequence();
        switch (f.kind()) {
            case PARAMETER_STEP -> {
                double old = physics;
                physics = f.value();
                ode = system.equations(physics, unmodelled);
                restartIntegration();
                sink.truth(truth(s, null, FaultKind.PARAMETER_STEP, String.format(Locale.ROOT,
                        "%s %s steps from %.4g to %.4g", id, f.parameter(), old, physics), eventMillis));
            }
            case UNMODELLED_CHANGE -> {
                int index = system.unmodelledNames().indexOf(f.parameter());
                double old = unmodelled[index];
                unmodelled[index] = f.value();
                ode = system.equations(physics, unmodelled);
                restartIntegration();
                sink.truth(truth(s, null, FaultKind.UNMODELLED_CHANGE, String.format(Locale.ROOT,
                        "%s unmodelled %s changes from %.4g to %.4g", id, f.parameter(), old, f.value()), eventMillis));
            }
            case PARAMETER_DRIFT -> {
                activeDrift = f;
                driftStartValue = physics;
            }
            case SPIKE, STUCK, DROPOUT, NOISE_BURST -> {
                activeTransient = f;
                if (f.kind() == FaultKind.STUCK) {
                    // Stuck at the last value the sensor reported (the true observation if there was none yet).
                    if (lastObservation == null) {
                        lastObservation = new double[observation.length];
                        system.observe(state, lastObservation);
                    }
                    stuckValues = lastObservation.clone();
                }
                sink.truth(truth(s, f.endSequence(), f.kind(), id + " " + describe(f), eventMillis));
            }
            default -> throw new IllegalStateException("unhandled fault kind " + f.kind());
        }
    }

    /** Linear drift: sample k of n (1-based) has moved k/n of the way; truth re-published every few samples. */
    private void driftStep(long s, FleetSink sink, long eventMillis) {
        FaultSpec f = activeDrift;
        double fraction = (double) (s - f.atSequence() + 1) / f.durationSamples();
        physics = driftStartValue + (f.value() - driftStartValue) * fraction;
        ode = system.equations(physics, unmodelled);
        restartIntegration();
        long offset = s - f.atSequence();
        if (offset % driftTruthInterval == 0) {
            sink.truth(truth(s, null, FaultKind.PARAMETER_DRIFT, String.format(Locale.ROOT,
                    "%s %s drifting from %.4g to %.4g over samples %d..%d, now %.4g", id, f.parameter(),
                    driftStartValue, f.value(), f.atSequence(), f.endSequence(), physics), eventMillis));
        }
    }

    private static String describe(FaultSpec f) {
        return switch (f.kind()) {
            case SPIKE -> String.format(Locale.ROOT, "spike of %+.4g over samples %d..%d", f.magnitude(),
                    f.atSequence(), f.endSequence());
            case STUCK -> "stuck over samples " + f.atSequence() + ".." + f.endSequence();
            case DROPOUT -> "dropout over samples " + f.atSequence() + ".." + f.endSequence();
            case NOISE_BURST -> String.format(Locale.ROOT, "noise burst (std x%.3g) over samples %d..%d",
                    f.magnitude(), f.atSequence(), f.endSequence());
            default -> f.kind().toString();
        };
    }

    private SensorTruth truth(long from, Long to, FaultKind fault, String description, long eventMillis) {
        Map<String, Double> physicsMap = new HashMap<>();
        physicsMap.put(system.physicsName(), physics);
        Map<String, Double> unmodelledMap = new HashMap<>();
        List<String> names = system.unmodelledNames();
        for (int i = 0; i < names.size(); i++) {
            unmodelledMap.put(names.get(i), unmodelled[i]);
        }
        return new SensorTruth(id, kind, from, to, physicsMap, unmodelledMap, fault, description,
                Instant.ofEpochMilli(eventMillis));
    }

    @Override
    public String toString() {
        return id + "(" + kind + ", " + system.physicsName() + "=" + physics + ", unmodelled="
                + Arrays.toString(unmodelled) + ")";
    }
}
