package io.hybridcast.trainer.basemodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.line.DiffusionWindowFit;
import io.hybridcast.model.line.RemainderOperator;
import io.hybridcast.model.line.RemainderOperatorFit;
import io.hybridcast.model.line.WeakForm;
import io.hybridcast.model.physics.DiffusionPhysics;
import io.hybridcast.schemas.SensorSystems;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code trainer line-remainder}: learns the advection-diffusion line's {@link RemainderOperator} from simulated
 * sensors of the digital twin (their D known, never the live fleet's) and scores the sensor-level D it gives on
 * unseen simulated sensors ({@link LineDiffusionScore}), against the physics alone. Writes
 * {@code <out>/remainder-operator.txt} (the shipped resource) and {@code <out>/remainder-operator.json} (command,
 * seeds, SHA-256, scores). Seconds, no DJL.
 */
@Command(name = "line-remainder", mixinStandardHelpOptions = true,
        description = "Learn the advection-diffusion line's remainder operator from simulated sensors and score the "
                + "sensor-level D on unseen ones; write <out>/remainder-operator.txt and .json.")
public final class LineRemainderCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tasks", defaultValue = "60", description = "Simulated training sensors. Default: ${DEFAULT-VALUE}.")
    int tasks;

    @Option(names = "--seconds", defaultValue = "30", description = "Seconds per training sensor. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--seed", defaultValue = "5", description = "Seed of the training sensors. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--test-sensors", defaultValue = "100", description = "Unseen sensors scored. Default: ${DEFAULT-VALUE}.")
    int testSensors;

    @Option(names = "--test-seconds", defaultValue = "150", description = "Seconds per test sensor (scored after "
            + "the first minute, as live). Default: ${DEFAULT-VALUE}.")
    double testSeconds;

    @Option(names = "--test-seed", defaultValue = "9", description = "Seed of the test sensors. Default: ${DEFAULT-VALUE}.")
    long testSeed;

    @Option(names = "--event-gap", defaultValue = "30", description = "Mean seconds between operating events. "
            + "Default: ${DEFAULT-VALUE}.")
    double eventGap;

    @Option(names = "--window-length", defaultValue = "50", description = "Samples per window (the streams app's "
            + "advection.diffusion.window.length). Default: ${DEFAULT-VALUE}.")
    int windowLength;

    @Option(names = "--iterations", defaultValue = "30", description = "Alternations of the fit. Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--out", defaultValue = "model/src/main/resources/io/hybridcast/model/line",
            description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws IOException {
        require(tasks >= 2, "--tasks", tasks, ">= 2");
        require(seconds > 0 && testSeconds > LineDiffusionScore.MIN_SECONDS, "--seconds/--test-seconds",
                seconds + "/" + testSeconds, "> 0 / > " + LineDiffusionScore.MIN_SECONDS);
        require(testSensors >= 1, "--test-sensors", testSensors, ">= 1");
        require(windowLength >= 3, "--window-length", windowLength, ">= 3");
        require(iterations >= 1, "--iterations", iterations, ">= 1");
        require(eventGap > 0, "--event-gap", eventGap, "> 0");
        long started = System.nanoTime();
        SystemKind line = SystemKind.ADVECTION_DIFFUSION;
        double dt = SensorSystems.of(line).dtSeconds();
        List<TwinPopulation.Sensor> train = TwinPopulation.simulate(
                TwinPopulation.Spec.of(line, tasks, seconds, eventGap), seed);
        List<RemainderOperatorFit.Window> windows = new ArrayList<>();
        List<double[][]> raw = new ArrayList<>();
        for (int s = 0; s < train.size(); s++) {
            double[][] samples = train.get(s).samples();
            for (int end = windowLength; end <= samples.length; end += windowLength) {
                double[][] w = java.util.Arrays.copyOfRange(samples, end - windowLength, end);
                if (!WeakForm.hasJump(w)) {
                    windows.add(new RemainderOperatorFit.Window(s, train.get(s).physics(), WeakForm.of(w, dt)));
                    raw.add(w);
                }
            }
        }
        RemainderOperator bare = RemainderOperatorFit.fit(windows, train.size(), DiffusionPhysics.DX, iterations);
        double[] truths = windows.stream().mapToDouble(RemainderOperatorFit.Window::diffusion).toArray();
        // the std scale on the training windows themselves: B's 400 entries against 20 equations per window
        RemainderOperator op = bare.withStdScale(
                RemainderOperatorFit.stdScale(bare, raw, truths, dt, DiffusionPhysics.DX));
        List<TwinPopulation.Sensor> test = TwinPopulation.simulate(
                TwinPopulation.Spec.of(line, testSensors, testSeconds, eventGap), testSeed);
        LineDiffusionScore learnt = LineDiffusionScore.of(new DiffusionWindowFit(op, dt, DiffusionPhysics.DX),
                test, windowLength, dt);
        LineDiffusionScore physicsOnly = LineDiffusionScore.of(new DiffusionWindowFit(null, dt, DiffusionPhysics.DX),
                test, windowLength, dt);
        String command = ("java -jar trainer/target/trainer.jar " + String.join(" ",
                spec.commandLine().getParseResult().originalArgs())).strip();
        String text = op.write("The advection-diffusion line's remainder operator B (u_t = D Lap u + a B u), learnt from "
                + tasks + " simulated sensors of " + seconds + " s (seed " + seed + ", " + windows.size()
                + " windows)\nby: " + command + "\nsensor-level D on " + testSensors + " unseen sensors: "
                + learnt.summary());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(out);
        Files.write(out.resolve("remainder-operator.txt"), bytes);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("file", "remainder-operator.txt");
        manifest.put("sha256", BaseModels.sha256(bytes));
        manifest.put("command", command);
        manifest.put("training", Map.of("sensors", tasks, "secondsPerSensor", seconds, "seed", seed,
                "windows", windows.size(), "iterations", iterations, "meanEventGapSeconds", eventGap,
                "stdScale", op.stdScale()));
        manifest.put("test", Map.of("sensors", testSensors, "secondsPerSensor", testSeconds, "seed", testSeed));
        manifest.put("withRemainder", learnt.json());
        manifest.put("physicsOnly", physicsOnly.json());
        manifest.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("remainder-operator.json").toFile(), manifest);
        spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s (%d windows of %d sensors, std scale %.3f)%n  with "
                + "the remainder: %s%n  physics alone:      %s%n", out.resolve("remainder-operator.txt"), windows.size(),
                tasks, op.stdScale(), learnt.summary(), physicsOnly.summary());
        return 0;
    }

    private void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " must be " + expected + ", got "
                    + value);
        }
    }
}
