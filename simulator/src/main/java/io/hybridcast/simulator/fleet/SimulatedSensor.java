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
 * sample, it never restarts), observed with Gaussian noise, with its scheduled faults, its operating events
 * (announced in the readings) and the ground truth they imply. Driven by one thread.
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
    private List<FaultSpec> faults;
    private int nextFault;
    private EventSchedule events;
    /** Index of the drive among the unmodelled factors, -1 for a system without one. */
    private final int driveIndex;
    /** The event the next reading announces (set by something that happened before its sample). */
    private OperatingEvent pendingEvent = OperatingEvent.START_UP;
    private long firstSequence;

    private double physics;
    private final double[] unmodelled;
    private final double[] state;
    private long sequence;
    private OrdinaryDifferentialEquation ode;

    private final double[] observation;
    private final ObservationFaults measurementFaults = new ObservationFaults();
    private FaultSpec activeDrift;
    private double driftStartValue;
    private int quietSamples;
    private ContinuousTrajectory trajectory;
    private boolean restartIntegration;
    private AtomicLong readingCounter = new AtomicLong();
    /** Position of this sensor's id among its simulation thread's sensors (the tie-break of equal event times). */
    int rank;

    SimulatedSensor(String id, PhysicalSystem system, long startEventMillis, RandomGenerator rng,
                    List<FaultSpec> faults, int driftTruthInterval) {
        this(id, system, startEventMillis, rng, new Scenario(faults), driftTruthInterval);
    }

    /** A sensor with the faults and events of {@code schedule} (all of them this sensor's). */
    SimulatedSensor(String id, PhysicalSystem system, long startEventMillis, RandomGenerator rng,
                    Scenario schedule, int driftTruthInterval) {
        this.id = id;
        this.system = system;
        this.kind = system.kind();
        this.intervalMillis = system.spec().sampleIntervalMillis();
        this.dt = system.dt();
        this.startEventMillis = startEventMillis;
        this.rng = rng;
        this.noiseStd = system.defaultNoiseStd();
        this.driftTruthInterval = driftTruthInterval;
        setSchedule(schedule);
        this.driveIndex = system.driveParameter() == null ? -1 : system.unmodelledNames().indexOf(system.driveParameter());
        this.physics = system.physicsRange().sample(rng);
        this.unmodelled = system.sampleUnmodelled(rng);
        this.state = system.initialState(rng, false);
        this.observation = new double[system.channels()];
        this.ode = equations();
    }

    private void setSchedule(Scenario schedule) {
        this.faults = schedule.faults().stream().sorted(Comparator.comparingLong(FaultSpec::atSequence)).toList();
        this.events = new EventSchedule(schedule.events());
    }

    /** Replaces the faults and events (absolute sequence numbers, this sensor's only). Call before the first step. */
    void schedule(Scenario schedule) {
        if (sequence != firstSequence || trajectory != null) {
            throw new IllegalStateException(id + " already started");
        }
        setSchedule(schedule);
        this.ode = equations();
    }

    /** The unmodelled factors now (a copy). */
    double[] unmodelled() {
        return unmodelled.clone();
    }

    PhysicalSystem system() {
        return system;
    }

    /**
     * Continues a sequence published before (a restart): the first sample of this run is {@code first}, taken at the
     * start time. Call before the first step; the caller shifts the schedule to match ({@link Scenario#shifted}).
     */
    void resumeAt(long first) {
        if (sequence != firstSequence) {
            throw new IllegalStateException(id + " already started");
        }
        this.firstSequence = first;
        this.sequence = first;
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

    /** Sequence number of this run's first sample. */
    long firstSequence() {
        return firstSequence;
    }

    /** Event time of the next sample, epoch ms: the run's first sample is taken at the start time. */
    long nextEventMillis() {
        return startEventMillis + (sequence - firstSequence) * intervalMillis;
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
        if (s == firstSequence) {
            sink.truth(truth(s, null, null, "initial parameters of " + id, eventMillis));
        }
        while (nextFault < faults.size() && faults.get(nextFault).atSequence() <= s) {
            FaultSpec due = faults.get(nextFault++);
            if (due.atSequence() == s) {
                startFault(due, sink, eventMillis);
            } // else scheduled before this run's first sample: skipped
        }
        OperatingEvent scheduled = events.advanceTo(s);
        if (scheduled != null) {
            driveChanged(scheduled, s, sink, eventMillis);
        }
        if (activeDrift != null) {
            driftStep(s, sink, eventMillis);
        }

        system.observe(state, observation);
        boolean published = measurementFaults.report(observation, noiseStd, rng);
        if (published) {
            // Avro's primitive array (what a reader decodes into): no boxing here or when the serde writes it
            PrimitivesArrays.DoubleArray values = new PrimitivesArrays.DoubleArray(observation.length, VALUES_SCHEMA);
            for (int c = 0; c < observation.length; c++) {
                values.add(c, observation[c]);
            }
            sink.reading(new SensorReading(id, kind, s, Instant.ofEpochMilli(eventMillis), values,
                    pendingEvent == null ? null : pendingEvent.name()));
        } // a dropped sample loses its announcement too, as a real controller's would be lost
        pendingEvent = null;

        FaultSpec ended = measurementFaults.endAt(s);
        if (ended != null) {
            sink.truth(truth(s + 1, null, null, id + " healthy again after " + ObservationFaults.describe(ended),
                    eventMillis));
        }
        if (activeDrift != null && s == activeDrift.endSequence()) {
            FaultSpec drift = activeDrift;
            activeDrift = null;
            sink.truth(truth(s + 1, null, null, String.format(Locale.ROOT, "%s drift of %s ended at %.4g",
                    id, drift.parameter(), physics), eventMillis));
        }

        advance(integrator);
        sequence++;
        // A system that stays run down is kicked again so the sensor stays informative; that is an outside
        // input the model's physics does not know, so it is published as truth (only between faults, so as not
        // to cut a fault's range short).
        quietSamples = system.runDown(state) ? quietSamples + 1 : 0;
        if (quietSamples >= RUN_DOWN_SAMPLES && !measurementFaults.active() && activeDrift == null) {
            system.excite(state, rng);
            restartIntegration();
            quietSamples = 0;
            pendingEvent = OperatingEvent.RE_EXCITATION;
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
        long drive = events.samplesUntilChange(sequence);
        for (int i = nextFault; i < faults.size(); i++) {
            FaultSpec f = faults.get(i);
            if (f.kind() == FaultKind.PARAMETER_STEP || f.kind() == FaultKind.UNMODELLED_CHANGE
                    || f.kind() == FaultKind.PARAMETER_DRIFT) {
                return Math.min(drive, Math.max(1, f.atSequence() - sequence));
            }
        }
        return drive;
    }

    /** The true ODE now: the parameters, with the drive at 0 while it is off. */
    private OrdinaryDifferentialEquation equations() {
        return system.equations(physics, effectiveUnmodelled());
    }

    private double[] effectiveUnmodelled() {
        if (driveIndex < 0 || !events.driveOff()) {
            return unmodelled;
        }
        double[] off = unmodelled.clone();
        off[driveIndex] = 0.0;
        return off;
    }

    /** A drive-off or drive-on event at sample {@code s}: announced in the reading, its truth published. */
    private void driveChanged(OperatingEvent event, long s, FleetSink sink, long eventMillis) {
        ode = equations();
        restartIntegration();
        pendingEvent = event;
        String drive = system.driveParameter();
        sink.truth(truth(s, null, null, event == OperatingEvent.DRIVE_OFF
                ? String.format(Locale.ROOT, "%s drive off (operating event): %s = 0 instead of %.4g", id, drive,
                        unmodelled[driveIndex])
                : String.format(Locale.ROOT, "%s drive on again (operating event): %s = %.4g", id, drive,
                        unmodelled[driveIndex]), eventMillis));
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
                ode = equations();
                restartIntegration();
                sink.truth(truth(s, null, FaultKind.PARAMETER_STEP, String.format(Locale.ROOT,
                        "%s %s steps from %.4g to %.4g", id, f.parameter(), old, physics), eventMillis));
            }
            case UNMODELLED_CHANGE -> {
                int index = system.unmodelledNames().indexOf(f.parameter());
                double old = unmodelled[index];
                unmodelled[index] = f.value();
                ode = equations();
                restartIntegration();
                sink.truth(truth(s, null, FaultKind.UNMODELLED_CHANGE, String.format(Locale.ROOT,
                        "%s unmodelled %s changes from %.4g to %.4g", id, f.parameter(), old, f.value()), eventMillis));
            }
            case PARAMETER_DRIFT -> {
                activeDrift = f;
                driftStartValue = physics;
            }
            case SPIKE, STUCK, DROPOUT, NOISE_BURST -> {
                // stuck at the last value the sensor reported (the true observation if there was none yet)
                double[] trueNow = new double[observation.length];
                system.observe(state, trueNow);
                measurementFaults.start(f, trueNow);
                sink.truth(truth(s, f.endSequence(), f.kind(), id + " " + ObservationFaults.describe(f), eventMillis));
            }
            default -> throw new IllegalStateException("unhandled fault kind " + f.kind());
        }
    }

    /** Linear drift: sample k of n (1-based) has moved k/n of the way; truth re-published every few samples. */
    private void driftStep(long s, FleetSink sink, long eventMillis) {
        FaultSpec f = activeDrift;
        double fraction = (double) (s - f.atSequence() + 1) / f.durationSamples();
        physics = driftStartValue + (f.value() - driftStartValue) * fraction;
        ode = equations();
        restartIntegration();
        long offset = s - f.atSequence();
        if (offset % driftTruthInterval == 0) {
            sink.truth(truth(s, null, FaultKind.PARAMETER_DRIFT, String.format(Locale.ROOT,
                    "%s %s drifting from %.4g to %.4g over samples %d..%d, now %.4g", id, f.parameter(),
                    driftStartValue, f.value(), f.atSequence(), f.endSequence(), physics), eventMillis));
        }
    }

    private SensorTruth truth(long from, Long to, FaultKind fault, String description, long eventMillis) {
        Map<String, Double> physicsMap = new HashMap<>();
        physicsMap.put(system.physicsName(), physics);
        Map<String, Double> unmodelledMap = new HashMap<>();
        List<String> names = system.unmodelledNames();
        double[] now = effectiveUnmodelled(); // A = 0 while the drive is off
        for (int i = 0; i < names.size(); i++) {
            unmodelledMap.put(names.get(i), now[i]);
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
