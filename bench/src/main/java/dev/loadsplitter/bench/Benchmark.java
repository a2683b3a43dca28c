package dev.loadsplitter.bench;

import dev.loadsplitter.sqs.EmbeddedSqs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The side-by-side benchmark: split throughput against a plain loop and a raw batch loop, fan-out
 * efficiency, zero-work dispatch against a raw receive-and-delete loop, cold start against a bare
 * SDK client, and the peak RSS of {@code run}. All on one embedded endpoint, on this machine.
 * Prints a Markdown table on stdout and writes {@code target/benchmark.json}.
 *
 * <p>This class only chooses the scenarios the first argument names (comma-separated, default
 * {@code all}); each scenario is a class of its own, timed with {@link Harness}.
 */
public final class Benchmark {

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        // Comma-separated names, matched whole: "split" must not also run "split100k".
        Set<String> only = Set.of((args.length > 0 ? args[0] : "all").split(","));
        long start = System.nanoTime();
        Measurements measurements = new Measurements();
        System.err.printf(
                Locale.ROOT,
                "bench: JVM %s, %d cores, max heap %d MiB%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        if (only.contains("quick")) {
            new QuickBench().run();
            // On the lines' own stream: Maven pumps stdout and stderr apart, and a stderr line landed inside them.
            System.out.printf(Locale.ROOT, "bench: quick done in %.0f s%n", (System.nanoTime() - start) / 1e9);
            System.out.flush();
            return;
        }
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            if (only.contains("all") || only.contains("split")) {
                new SplitThroughput(measurements).measure(sqs);
            }
            if (only.contains("all") || only.contains("dispatch")) {
                new DispatchOverRaw(measurements).measure(sqs);
            }
            if (only.contains("all") || only.contains("cold")) {
                new ColdStart(measurements).measure(sqs);
            }
            if (only.contains("all") || only.contains("clients")) {
                new ClientComparison(measurements).measure(sqs);
            }
        }
        if (only.contains("all") || only.contains("fanout")) {
            new FanOutEfficiency(measurements).measure();
        }
        if (only.contains("split100k")) {
            new HundredThousandSplit(measurements).measure();
        }
        if (only.contains("all") || only.contains("rss")) {
            new PeakRss(measurements).measure();
        }
        if (only.contains("all") || only.contains("micro")) {
            new MicroBenchmarks(measurements).measure();
        }
        System.out.println(measurements.markdown());
        Files.writeString(Path.of("target", "benchmark.json"), measurements.json());
        System.err.printf(
                Locale.ROOT,
                "bench: done in %.0f s; JSON in target/benchmark.json%n",
                (System.nanoTime() - start) / 1e9);
    }
}
