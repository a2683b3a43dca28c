package dev.loadsplitter.bench;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.FunctionLog;
import dev.loadsplitter.local.container.Isolation;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.invoke.AsyncSettings;
import dev.loadsplitter.local.report.InvocationRecord;
import dev.loadsplitter.local.report.RunRecorder;
import dev.loadsplitter.local.report.RunSummary;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A whole local run of the function jar, as {@code run} makes one: the fan-out scenarios and the
 * quick bench time it, and read where its wall time went.
 */
final class LocalRun {

    private LocalRun() {}

    static RunSummary run(String event, Duration delay, int concurrency, List<InvocationRecord> records)
            throws Exception {
        return run(event, delay, concurrency, records, local -> {});
    }

    /** As {@link #run(String, Duration, int, List)}, showing {@code drained} the environment once it drained. */
    static RunSummary run(
            String event,
            Duration delay,
            int concurrency,
            List<InvocationRecord> records,
            Consumer<LocalEnvironment> drained)
            throws Exception {
        Map<String, String> environment = Map.of("PROCESSING_DELAY", Long.toString(delay.toMillis()));
        LocalSettings settings = new LocalSettings(
                Events.FUNCTION_JAR,
                LocalSettings.FUNCTION_NAME,
                LocalSettings.HANDLER,
                1024,
                Duration.ofSeconds(60),
                concurrency + 10,
                environment,
                Duration.ofMinutes(6),
                5,
                new EsmSettings(1, Duration.ZERO, concurrency, true, true),
                "127.0.0.1",
                0,
                0,
                AsyncSettings.lambdaDefaults(Duration.ofSeconds(1), AsyncSettings.DEFAULT_MAX_EVENT_AGE),
                FaultPlan.none(),
                0,
                Optional.empty(),
                Isolation.AUTO);
        RunRecorder recorder = new RunRecorder(JsonMapper.builder().build(), 1, 10, settings.dlqName(), record -> {});
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        PrintStream out = System.out;
        System.setOut(quiet); // the function's own log lines
        try (LocalEnvironment local = LocalEnvironment.start(settings, recorder, FunctionLog.none())) {
            local.async().submit(event.getBytes(StandardCharsets.UTF_8));
            if (!local.awaitDrained(Duration.ofMinutes(3))) {
                throw new IllegalStateException("the run did not drain in 3 minutes");
            }
            records.addAll(recorder.records());
            drained.accept(local);
            return recorder.summary(
                    local.function().coldStarts(), local.function().peakConcurrency(), local.deadLetters());
        } finally {
            System.setOut(out);
        }
    }

    /** Where a fan-out's wall time went: when the splitting ended, and when the processing began and ended. */
    static String phases(List<InvocationRecord> records) {
        Instant first = records.stream()
                .map(InvocationRecord::start)
                .min(Comparator.naturalOrder())
                .orElseThrow();
        ToLongFunction<Instant> at = instant -> Duration.between(first, instant).toMillis();
        long splitEnd = records.stream()
                .filter(r -> r.kind() == InvocationRecord.Kind.SPLIT)
                .mapToLong(r -> at.applyAsLong(r.end()))
                .max()
                .orElse(0);
        long[] processStarts = records.stream()
                .filter(r -> r.kind() == InvocationRecord.Kind.PROCESS)
                .mapToLong(r -> at.applyAsLong(r.start()))
                .sorted()
                .toArray();
        long lastEnd =
                records.stream().mapToLong(r -> at.applyAsLong(r.end())).max().orElse(0);
        return String.format(
                Locale.ROOT,
                "splitting done at %,d ms; items started from %,d to %,d ms (half by %,d); "
                        + "last finished at %,d ms",
                splitEnd,
                processStarts[0],
                processStarts[processStarts.length - 1],
                processStarts[processStarts.length / 2],
                lastEnd);
    }
}
