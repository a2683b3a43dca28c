package dev.loadsplitter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** e) Peak RSS: {@code ./load-splitter run} of 10,000 one-second items as a user starts it, with and without a bigger heap. */
final class PeakRss {

    private final Measurements measurements;

    PeakRss(Measurements measurements) {
        this.measurements = measurements;
    }

    void measure() throws Exception {
        Path event = Harness.scratch().resolve("ten-thousand.json");
        Files.writeString(event, Events.createTags(10_000, "rss-10000"));
        for (String javaOpts : List.of("", "-Xmx1g")) {
            long kb = runAndWatchRss(javaOpts, event);
            measurements.add(
                    "e) peak RSS",
                    "run, 10,000 × 1 s, concurrency 1,000" + (javaOpts.isEmpty() ? "" : ", " + javaOpts),
                    String.format(Locale.ROOT, "%,d MB", kb / 1024),
                    javaOpts.isEmpty()
                            ? "the launcher's default heap (304 MB, compact object headers on JDK 25+); goal ≤ 512 MB"
                            : "LOAD_SPLITTER_JAVA_OPTS=" + javaOpts,
                    "rss_10000_mb" + javaOpts.replace("-", "_"),
                    kb / 1024.0);
        }
    }

    /** Runs {@code ./load-splitter run} as a user does, with {@code javaOpts}, and returns its peak resident set in KB. */
    private static long runAndWatchRss(String javaOpts, Path event) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Events.ROOT
                                .resolve("load-splitter")
                                .toAbsolutePath()
                                .normalize()
                                .toString(),
                        "run",
                        "--delay",
                        "1s",
                        "--concurrency",
                        "1000",
                        "--json",
                        event.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LOAD_SPLITTER_JAVA_OPTS", javaOpts);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        // The launcher execs the JVM, so the process keeps its pid.
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        long peak = 0;
        while (process.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D+", "")));
                    }
                }
            } catch (IOException gone) {
                break;
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("load-splitter run failed with exit code " + process.exitValue());
        }
        return peak;
    }
}
