package dev.loadsplitter.bench;

import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * f) Micro benchmarks (JMH): the per-split and per-invocation costs without the endpoint, in a
 * forked JVM running C1 only, as Lambda's Java runtime and the launcher do. Logs go to /dev/null:
 * formatting them still counts.
 */
final class MicroBenchmarks {

    private final Measurements measurements;

    MicroBenchmarks(Measurements measurements) {
        this.measurements = measurements;
    }

    void measure() throws Exception {
        Options options = new OptionsBuilder()
                .include("dev\\.loadsplitter\\.bench\\.micro\\..*")
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx1g", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.logFile=/dev/null")
                .build();
        for (RunResult result : new Runner(options).run()) {
            String method = result.getParams().getBenchmark().replaceFirst(".*\\.micro\\.", "");
            String params = String.join(
                    ", ",
                    result.getParams().getParamsKeys().stream()
                            .map(key -> key + " " + result.getParams().getParam(key))
                            .toList());
            Result<?> primary = result.getPrimaryResult();
            String name = method + (params.isEmpty() ? "" : " (" + params + ")");
            measurements.add(
                    "f) micro",
                    name,
                    String.format(Locale.ROOT, "%,.1f µs", primary.getScore()),
                    String.format(Locale.ROOT, "± %,.1f µs (99.9 %%), JMH, C1", primary.getScoreError()),
                    "micro_" + name.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_$", "") + "_us",
                    primary.getScore());
        }
    }
}
