package io.hybridcast.streams.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the benchmark JVM's CPU went over an interval, by thread group: the broker, the stream thread, the clients'
 * I/O threads and the benchmark's own, and the CPU of no Java thread (garbage collection, the JIT compilers,
 * RocksDB's native threads) as the process's CPU minus every Java thread's. Why: at real time the process used 1.7
 * of the 2 cores while its stream thread used 0.35, so a forecast's latency is mostly spent waiting for a core, and
 * which part of the stack holds the cores decides what to make cheaper.
 */
final class ThreadCpuSplit {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    /** A group below this share of a core is summed into "other Java threads". */
    private static final double SMALL = 0.01;

    private final String app;
    private final Map<Long, Long> threadNanosAtStart;
    private final long processNanosAtStart;
    private final long wallNanosAtStart;
    private final long gcMillisAtStart;
    private final long gcCountAtStart;

    private ThreadCpuSplit(String app) {
        this.app = app;
        this.threadNanosAtStart = threadNanos();
        this.processNanosAtStart = processNanos();
        this.wallNanosAtStart = System.nanoTime();
        this.gcMillisAtStart = gc(true);
        this.gcCountAtStart = gc(false);
    }

    /** Starts an interval; {@code app} (the application id) is shortened to "app" in the group names. */
    static ThreadCpuSplit start(String app) {
        return new ThreadCpuSplit(app);
    }

    /**
     * Share of a core per group since the start, largest first, then "other Java threads" and "no Java thread (GC,
     * JIT, native)"; a thread's group is its name with the application id, UUIDs and numbers taken out.
     */
    Map<String, Double> shares() {
        double wall = System.nanoTime() - wallNanosAtStart;
        Map<Long, Long> now = threadNanos();
        Map<String, Long> byGroup = new HashMap<>();
        long javaNanos = 0;
        long[] ids = now.keySet().stream().mapToLong(Long::longValue).toArray();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue; // ended since
            }
            long used = now.get(ids[i]) - threadNanosAtStart.getOrDefault(ids[i], 0L);
            if (used <= 0) {
                continue;
            }
            javaNanos += used;
            byGroup.merge(group(infos[i].getThreadName()), used, Long::sum);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        long[] other = {0};
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e -> {
            if (e.getValue() / wall >= SMALL) {
                out.put(e.getKey(), round(e.getValue() / wall));
            } else {
                other[0] += e.getValue();
            }
        });
        out.put("other Java threads", round(other[0] / wall));
        out.put("no Java thread (GC, JIT, native)", round(Math.max(0, processNanos() - processNanosAtStart
                - javaNanos) / wall));
        out.put("whole process", round((processNanos() - processNanosAtStart) / wall));
        // collections and their accumulated time (wall, not CPU) in the interval, for what the native part holds
        out.put("gc_collections_per_s", round((gc(false) - gcCountAtStart) / (wall / 1e9)));
        out.put("gc_time_share_of_wall", round((gc(true) - gcMillisAtStart) * 1e6 / wall));
        return out;
    }

    String group(String threadName) {
        String name = threadName.replace(app, "app");
        name = UUID.matcher(name).replaceAll("");
        return NUMBER.matcher(name).replaceAll("#").replace("--", "-");
    }

    private static Map<Long, Long> threadNanos() {
        Map<Long, Long> out = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                out.put(id, nanos);
            }
        }
        return out;
    }

    private static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long gc(boolean millis) {
        long sum = 0;
        for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, millis ? bean.getCollectionTime() : bean.getCollectionCount());
        }
        return sum;
    }

    private static double round(double share) {
        return Math.round(share * 1000) / 1000.0;
    }
}
