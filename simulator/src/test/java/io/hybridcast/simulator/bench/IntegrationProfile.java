package io.hybridcast.simulator.bench;

import io.hybridcast.simulator.physics.AdvectionDiffusionSystem;
import io.hybridcast.simulator.physics.ContinuousTrajectory;
import io.hybridcast.simulator.physics.DoublePendulumSystem;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.simulator.physics.PendulumSystem;
import io.hybridcast.simulator.physics.PhysicalSystem;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.ODEStateAndDerivative;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.AdaptiveStepsizeIntegrator;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Profiling command (not a test): the cost of the ground-truth integration per sample, per system, as live sensors
 * use it (random live parameters and states, one sample at a time), for several ways of driving the integrator:
 * derivative evaluations, accepted and rejected steps, thread CPU time per sample, and the largest error against a
 * reference at tolerance 1e-13 (Hipparchus' DP853 from sample to sample). The command line is in docs/simulator.md.
 */
@Command(name = "integration-profile", mixinStandardHelpOptions = true,
        description = "Cost and accuracy of the ground-truth integration per sample.")
public final class IntegrationProfile implements Callable<Integer> {

    @Option(names = "--instances", defaultValue = "20", description = "Random instances per system (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--samples", defaultValue = "2000", description = "Samples per instance for the cost (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--error-samples", defaultValue = "200", description = "Samples per instance compared with the reference (default ${DEFAULT-VALUE}).")
    int errorSamples;

    @Option(names = "--tolerances", split = ",", defaultValue = "1e-10,1e-9,1e-8", description = "Tolerances (default ${DEFAULT-VALUE}).")
    List<Double> tolerances;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        System.exit(new CommandLine(new IntegrationProfile()).execute(args));
    }

    /** One way of producing the samples of one trajectory. */
    private interface Driver {
        /** Fills {@code out[k-1]} with the state at {@code k·dt}, k = 1..n; returns evaluations, accepted, rejected. */
        long[] run(OrdinaryDifferentialEquation ode, double[] y0, double dt, int n, double[][] out);
    }

    @Override
    public Integer call() {
        List<PhysicalSystem> systems = List.of(new PendulumSystem(), new AdvectionDiffusionSystem(), new DoublePendulumSystem());
        System.out.printf(Locale.ROOT, "%-20s %-36s %6s %9s %8s %8s %10s %10s%n", "system", "driver", "tol",
                "evals/s", "steps/s", "rej/s", "cpu-ns/s", "max-error");
        for (int pass = 0; pass < 2; pass++) { // the first pass warms the JIT up and is not printed
            for (PhysicalSystem system : systems) {
                for (double tolerance : tolerances) {
                    profile(system, "continuous DP853 (live sensors)", tolerance, continuous(tolerance), pass == 1);
                    if (tolerance == tolerances.get(0)) {
                        profile(system, "continuous DP853, steps not capped", tolerance, uncapped(tolerance), pass == 1);
                    }
                    if (tolerance == tolerances.get(0)) {
                        profile(system, "Hipparchus DP853 integrate, 25/run", tolerance,
                                chunks(new DormandPrince853Integrator(1e-12, 1.0, tolerance, tolerance), 25), pass == 1);
                        profile(system, "Hipparchus DP853 integrate, 1/run", tolerance,
                                chunks(new DormandPrince853Integrator(1e-12, 1.0, tolerance, tolerance), 1), pass == 1);
                        profile(system, "Hipparchus DP54 integrate, 25/run", tolerance,
                                chunks(new DormandPrince54Integrator(1e-12, 1.0, tolerance, tolerance), 25), pass == 1);
                    }
                }
            }
        }
        return 0;
    }

    private void profile(PhysicalSystem system, String name, double tolerance, Driver driver, boolean print) {
        SplittableRandom rng = new SplittableRandom(1);
        double dt = system.dt();
        long evaluations = 0;
        long accepted = 0;
        long rejected = 0;
        long cpu = 0;
        double worst = 0;
        Driver reference = stepByStep(new DormandPrince853Integrator(1e-12, 1.0, 1e-13, 1e-13));
        for (int i = 0; i < instances; i++) {
            OrdinaryDifferentialEquation ode = system.equations(system.physicsRange().sample(rng), system.sampleUnmodelled(rng));
            double[] y0 = system.initialState(rng, false);
            double[][] out = new double[samples][];
            long start = THREADS.getCurrentThreadCpuTime();
            long[] counts = driver.run(ode, y0, dt, samples, out);
            if (counts[2] < 0) {
                rejected = Long.MIN_VALUE / 2; // not counted by Hipparchus' integrate
            }
            cpu += THREADS.getCurrentThreadCpuTime() - start;
            evaluations += counts[0];
            accepted += counts[1];
            rejected += counts[2];
            double[][] exact = new double[errorSamples][];
            reference.run(ode, y0, dt, errorSamples, exact);
            for (int k = 0; k < errorSamples; k++) {
                for (int c = 0; c < system.channels(); c++) { // the observed components
                    worst = Math.max(worst, Math.abs(out[k][c] - exact[k][c]));
                }
            }
        }
        if (print) {
            double n = (double) instances * samples;
            String rejections = rejected < 0 ? "-" : String.format(Locale.ROOT, "%.3f", rejected / n);
            System.out.printf(Locale.ROOT, "%-20s %-36s %6.0e %9.1f %8.2f %8s %10.0f %10.1e%n", system.kind(), name,
                    tolerance, evaluations / n, accepted / n, rejections, cpu / n, worst);
        }
    }

    private static Driver continuous(double tolerance) {
        return (ode, y0, dt, n, out) -> {
            ContinuousTrajectory trajectory = new GroundTruthIntegrator(tolerance).newTrajectory(dt);
            trajectory.start(ode, 0.0, y0, dt);
            for (int k = 1; k <= n; k++) {
                out[k - 1] = new double[y0.length];
                trajectory.stateAt(k * dt, out[k - 1]);
            }
            return new long[] {trajectory.evaluations(), trajectory.acceptedSteps(), trajectory.rejectedSteps()};
        };
    }

    private static Driver uncapped(double tolerance) {
        return (ode, y0, dt, n, out) -> {
            ContinuousTrajectory trajectory = new ContinuousTrajectory(tolerance);
            trajectory.start(ode, 0.0, y0, dt);
            for (int k = 1; k <= n; k++) {
                out[k - 1] = new double[y0.length];
                trajectory.stateAt(k * dt, out[k - 1]);
            }
            return new long[] {trajectory.evaluations(), trajectory.acceptedSteps(), trajectory.rejectedSteps()};
        };
    }

    /** The previous live path: Hipparchus' integrate over runs of {@code perRun} samples, samples from dense output. */
    private static Driver chunks(AdaptiveStepsizeIntegrator integrator, int perRun) {
        return (ode, y0, dt, n, out) -> {
            long[] steps = {0};
            double[] state = y0.clone();
            long evaluations = 0;
            long attempts = 0;
            for (int first = 1; first <= n; first += perRun) {
                int count = Math.min(perRun, n - first + 1);
                double t0 = (first - 1) * dt;
                int[] next = {first};
                int last = first + count - 1;
                integrator.clearStepHandlers();
                integrator.addStepHandler(interpolator -> {
                    steps[0]++;
                    while (next[0] < last && next[0] * dt <= interpolator.getCurrentState().getTime()) {
                        out[next[0] - 1] = interpolator.getInterpolatedState(next[0] * dt).getPrimaryState();
                        next[0]++;
                    }
                });
                integrator.setInitialStepSize(dt);
                ODEStateAndDerivative end = integrator.integrate(ode, new ODEState(t0, state), last * dt);
                state = end.getPrimaryState();
                out[last - 1] = state.clone();
                evaluations += integrator.getEvaluations();
            }
            integrator.clearStepHandlers();
            return new long[] {evaluations, steps[0], -1};
        };
    }

    private static Driver stepByStep(AdaptiveStepsizeIntegrator integrator) {
        return (ode, y0, dt, n, out) -> {
            double[] state = y0.clone();
            for (int k = 1; k <= n; k++) {
                state = integrator.integrate(ode, new ODEState((k - 1) * dt, state), k * dt).getPrimaryState();
                out[k - 1] = state;
            }
            return new long[] {0, 0, 0};
        };
    }
}
