package dev.loadsplitter.bench;

import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every scenario times with: medians (interleaved, so no contender profits from the server's
 * JIT warming up), the process's and the SQS server's CPU, a fresh queue per measurement, and the
 * path of this JVM's {@code java} for the scenarios that start one.
 */
final class Harness {

    private static final AtomicInteger QUEUES = new AtomicInteger();

    private Harness() {}

    /** A measurement on a queue of its own. */
    interface OnQueue {
        double run(EmbeddedSqs.QueuePair queues) throws Exception;
    }

    /** One timed run; returns milliseconds. */
    interface Timed {
        double run() throws Exception;
    }

    /** Runs {@code timed} on a new work queue (and DLQ) named after {@code prefix}, and deletes the work queue after. */
    static double onFreshQueue(EmbeddedSqs sqs, String prefix, OnQueue timed) throws Exception {
        EmbeddedSqs.QueuePair queues =
                sqs.createQueues(prefix + "-" + QUEUES.incrementAndGet(), 5, Duration.ofMinutes(5));
        try {
            return timed.run(queues);
        } finally {
            sqs.client().deleteQueue(r -> r.queueUrl(queues.url()));
        }
    }

    /**
     * Runs every contender once to warm up, then {@code rounds} rounds of each in turn, and returns
     * each one's median. The server's JIT keeps warming for tens of thousands of messages; running
     * one contender's repeats before the other's favours whichever goes second by up to 2×.
     */
    static Map<String, Double> interleaved(int rounds, Map<String, Timed> contenders) throws Exception {
        List<String> order = new ArrayList<>(new TreeSet<>(contenders.keySet()));
        Map<String, List<Double>> values = new HashMap<>();
        for (int round = 0; round <= rounds; round++) {
            for (String name : order) {
                double millis = contenders.get(name).run();
                if (round > 0) {
                    values.computeIfAbsent(name, k -> new ArrayList<>()).add(millis);
                }
            }
        }
        Map<String, Double> medians = new HashMap<>();
        values.forEach((name, list) -> {
            list.sort(Double::compare);
            medians.put(name, list.get(list.size() / 2));
        });
        return medians;
    }

    /** The median of {@code runs} runs after one warm-up run. */
    static double median(int runs, Timed timed) throws Exception {
        timed.run(); // warm-up
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            values.add(timed.run());
        }
        values.sort(Double::compare);
        return values.get(values.size() / 2);
    }

    /**
     * The CPU time the ElasticMQ server's threads (platform threads named "elasticmq-…") have used
     * from now on, read with {@link ServerCpu#since}. It is counted per thread: a thread of an
     * earlier server that ends in between takes its own time with it rather than making the
     * difference negative, and one that starts in between counts from zero. A server thread that
     * ends before the reading loses its time, so the figure is a lower bound.
     */
    static ServerCpu serverCpu() {
        return new ServerCpu(serverThreadCpu());
    }

    /** A reading of the server threads' CPU time, by thread. */
    record ServerCpu(Map<Long, Long> byThread) {

        /** Nanoseconds the server's threads used since this reading. */
        long since() {
            long total = 0;
            for (Map.Entry<Long, Long> thread : serverThreadCpu().entrySet()) {
                total += thread.getValue() - byThread.getOrDefault(thread.getKey(), 0L);
            }
            return total;
        }
    }

    private static Map<Long, Long> serverThreadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("elasticmq")) {
                cpu.put(info.getThreadId(), Math.max(0, threads.getThreadCpuTime(info.getThreadId())));
            }
        }
        return cpu;
    }

    /** CPU time this process (server, runtime and functions together) has used. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The {@code java} this JVM runs, for the scenarios that start a fresh one. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Where scenarios write the events they hand to a fresh JVM. */
    static Path scratch() throws IOException {
        return Files.createDirectories(Path.of("target", "bench-events"));
    }
}
