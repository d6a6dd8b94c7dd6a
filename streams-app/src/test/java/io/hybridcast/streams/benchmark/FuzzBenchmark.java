package io.hybridcast.streams.benchmark;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The fuzz command of issue 14: {@code --records} mutated and random sensor readings (bit flips, truncations,
 * length bombs, huge ids and keys, NaN, sequence resets and jumps, absurd event times, random bytes, nulls) through
 * the real topology; writes {@code docs/benchmarks/fuzz.json} with every record accounted for. Exit code 1 if a
 * record escaped the topology (a thread death on a broker) or one is unaccounted for.
 *
 * <pre>
 * java -Xmx512m -cp &lt;streams-app test classpath&gt; io.hybridcast.streams.benchmark.FuzzBenchmark --records 100000
 * </pre>
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true)
public final class FuzzBenchmark implements Callable<Integer> {

    @Option(names = "--records", description = "Records to push (default ${DEFAULT-VALUE}).")
    long records = 100_000;
    @Option(names = "--seed", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed = 14;
    @Option(names = "--out", description = "Report file (default ${DEFAULT-VALUE}).")
    Path out = Path.of("docs/benchmarks/fuzz.json");

    public static void main(String[] args) {
        System.exit(new CommandLine(new FuzzBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (records < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--records must be >= 1, got " + records);
        }
        double loadBefore = BenchmarkModels.loadAverage();
        Path stateDir = Files.createTempDirectory("fuzz-state");
        long started = System.nanoTime();
        Fuzzer.Report r = new Fuzzer(seed, stateDir).run(records);
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", "FuzzBenchmark --records " + records + " --seed " + seed + " (java -Xmx"
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m)");
        report.put("records", r.records());
        report.put("accepted", r.accepted());
        report.put("decode_dead_letters", r.decodeDeadLetters());
        report.put("validate_dead_letters", r.validateDeadLetters());
        report.put("process_dead_letters", r.processDeadLetters());
        report.put("thread_deaths", r.threadDeaths());
        report.put("accounted_for", r.accountedFor());
        report.put("max_heap_mb", r.maxHeapMb());
        report.put("heap_limit_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        report.put("records_by_mutation", r.byMutation());
        report.put("escaped", r.escaped());
        report.put("seconds", Math.round(seconds * 10) / 10.0);
        BenchmarkModels.writeReport(report, loadBefore, out);
        System.out.println(report);
        return r.threadDeaths() == 0 && r.accountedFor() ? 0 : 1;
    }
}
