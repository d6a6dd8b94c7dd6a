package io.hybridcast.local.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service in its own JVM (same classpath and DJL flags as the harness), its output appended to a log file,
 * so that {@link #kill()} is a real {@code kill -9} and {@link #restart()} starts it again with the same arguments.
 */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    private ChildJvm(String name, List<String> command, Path log) {
        this.name = name;
        this.command = command;
        this.log = log;
    }

    /** The same service with more arguments (before it is started). */
    ChildJvm withArgs(List<String> more) {
        List<String> c = new ArrayList<>(command);
        c.addAll(more);
        return new ChildJvm(name, List.copyOf(c), log);
    }

    ChildJvm(String name, String heap, List<String> jvmFlags, String mainClass, List<String> args, Path logDir) {
        this.name = name;
        this.log = logDir.resolve(name + ".log");
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.add("-Xmx" + heap);
        c.addAll(jvmFlags);
        c.add("-cp");
        // under Surefire java.class.path is a manifest-only jar; the real test classpath is in its own property
        c.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        c.add(mainClass);
        c.addAll(args);
        this.command = List.copyOf(c);
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    synchronized ChildJvm start() {
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the shutdown hooks. */
    synchronized void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    synchronized void restart() throws InterruptedException {
        stop();
        start();
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
