package dev.loadsplitter.bench;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.lambda.LoadSplitterHandler;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.esm.EventSourceMapping;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.report.InvocationRecord;
import dev.loadsplitter.local.report.RunRecorder;
import dev.loadsplitter.local.report.RunSummary;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The side-by-side benchmark: split throughput against a plain loop and a raw batch loop, fan-out
 * efficiency, zero-work dispatch against a raw receive-and-delete loop, cold start against a bare
 * SDK client, and the peak RSS of {@code run}. All on one embedded endpoint, on this machine.
 * Prints a Markdown table on stdout and writes {@code target/benchmark.json}.
 */
public final class Benchmark {

    private static final Path ROOT = Events.ROOT;
    private static final Path FUNCTION_JAR = Events.FUNCTION_JAR;
    private static final AtomicInteger QUEUES = new AtomicInteger();
    /** How long a drain may take before the bench stops with what it saw, rather than hang. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);

    private final Measurements measurements = new Measurements();
    private final String template;
    private final Path scratch;

    Benchmark() throws Exception {
        template = Events.oneTag();
        scratch = Files.createDirectories(Path.of("target", "bench-events"));
    }

    public static void main(String[] args) throws Exception {
        // Comma-separated names, matched whole: "split" must not also run "split100k".
        Set<String> only = Set.of((args.length > 0 ? args[0] : "all").split(","));
        long start = System.nanoTime();
        Benchmark bench = new Benchmark();
        System.err.printf(
                Locale.ROOT,
                "bench: JVM %s, %d cores, max heap %d MiB%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        if (only.contains("quick")) {
            new QuickBench(bench).run();
            System.err.printf(Locale.ROOT, "bench: quick done in %.0f s%n", (System.nanoTime() - start) / 1e9);
            return;
        }
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            if (only.contains("all") || only.contains("split")) {
                bench.splitThroughput(sqs);
            }
            if (only.contains("all") || only.contains("dispatch")) {
                bench.zeroWorkDispatch(sqs);
            }
            if (only.contains("all") || only.contains("cold")) {
                bench.coldStart(sqs);
            }
            if (only.contains("all") || only.contains("clients")) {
                bench.clients(sqs);
            }
        }
        if (only.contains("all") || only.contains("fanout")) {
            bench.fanOutEfficiency();
        }
        if (only.contains("split100k")) {
            bench.hundredThousandSplit();
        }
        if (only.contains("all") || only.contains("rss")) {
            bench.peakRss();
        }
        if (only.contains("all") || only.contains("micro")) {
            bench.micro();
        }
        System.out.println(bench.measurements.markdown());
        Files.writeString(Path.of("target", "benchmark.json"), bench.measurements.json());
        System.err.printf(
                Locale.ROOT,
                "bench: done in %.0f s; JSON in target/benchmark.json%n",
                (System.nanoTime() - start) / 1e9);
    }

    // a) Split throughput ------------------------------------------------------------------------

    private void splitThroughput(EmbeddedSqs sqs) throws Exception {
        for (int size : List.of(1_000, 10_000)) {
            String event = Events.createTags(size, "split-" + size);
            Map<String, Double> medians = interleaved(
                    3,
                    Map.of(
                            "ours", () -> oursSplit(sqs, event, size),
                            "raw", () -> rawBatchSend(sqs, size)));
            double ours = medians.get("ours");
            double raw = medians.get("raw");
            double plain = plainLoop(sqs, size);
            String n = String.format(Locale.ROOT, "%,d items", size);
            measurements.add(
                    "a) split",
                    "Load Splitter, " + n,
                    Measurements.perSecond(size / (ours / 1000)),
                    Measurements.millis(ours) + " median of 3, one flat split",
                    "split_" + size + "_ours_per_s",
                    size / (ours / 1000));
            measurements.add(
                    "a) split",
                    "plain SendMessage loop, " + n,
                    Measurements.perSecond(size / (plain / 1000)),
                    Measurements.millis(plain) + ", GetQueueUrl + SendMessage per item, as the sample",
                    "split_" + size + "_plain_per_s",
                    size / (plain / 1000));
            measurements.add(
                    "a) split",
                    "raw SendMessageBatch, " + n,
                    Measurements.perSecond(size / (raw / 1000)),
                    Measurements.millis(raw) + " median of 3, 16 calls in flight, bodies prebuilt",
                    "split_" + size + "_raw_per_s",
                    size / (raw / 1000));
            measurements.add(
                    "a) split",
                    "ours ÷ plain, " + n,
                    Measurements.ratio(plain / ours),
                    "",
                    "split_" + size + "_ours_over_plain",
                    plain / ours);
            measurements.add(
                    "a) split",
                    "ours ÷ raw, " + n,
                    Measurements.ratio(raw / ours),
                    "goal ≥ 0.7",
                    "split_" + size + "_ours_over_raw",
                    raw / ours);
        }
    }

    private double oursSplit(EmbeddedSqs sqs, String event, int size) throws Exception {
        return onFreshQueue(sqs, "bench", queues -> oursSplit(sqs, queues, event, size));
    }

    private double oursSplit(EmbeddedSqs sqs, EmbeddedSqs.QueuePair queues, String event, int size) throws Exception {
        Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
        environment.put("PROCESSING_DELAY", "0");
        environment.put("FAN_OUT_LIMIT", "1000000");
        // To compare settings: SEND_CONCURRENCY=16 ./mvnw -B -Pbench -pl bench -am verify -DskipTests
        // -Dbench.only=split
        Optional.ofNullable(System.getenv("SEND_CONCURRENCY")).ifPresent(v -> environment.put("SEND_CONCURRENCY", v));
        try (LoadSplitterHandler handler = new LoadSplitterHandler(environment)) {
            invoke(handler, Events.createTags(2, "warm")); // a warm container has built its client
            long start = System.nanoTime();
            String response = invoke(handler, event);
            double millis = (System.nanoTime() - start) / 1e6;
            if (!response.contains("into '" + size + "' queued messages")) {
                throw new IllegalStateException("unexpected response " + response);
            }
            return millis;
        }
    }

    private double plainLoop(EmbeddedSqs sqs, int size) throws Exception {
        return onFreshQueue(sqs, "plain", queues -> {
            String name = queues.url().substring(queues.url().lastIndexOf('/') + 1);
            String body = Events.createTags(1, "plain");
            try (SqsClient client = sqs.clientBuilder().build()) {
                long start = System.nanoTime();
                for (int i = 0; i < size; i++) {
                    String url = client.getQueueUrl(r -> r.queueName(name)).queueUrl();
                    client.sendMessage(r -> r.queueUrl(url).messageBody(body));
                }
                return (System.nanoTime() - start) / 1e6;
            }
        });
    }

    private double rawBatchSend(EmbeddedSqs sqs, int size) throws Exception {
        return onFreshQueue(sqs, "raw", queues -> sendRaw(sqs, queues.url(), size));
    }

    /** Sends {@code size} prebuilt one-tag messages in batches of 10, 16 calls at once; returns milliseconds. */
    private double sendRaw(EmbeddedSqs sqs, String queueUrl, int size) throws Exception {
        String body = Events.createTags(1, "raw");
        try (SqsClient client = sqs.clientBuilder()
                        .httpClient(
                                Apache5HttpClient.builder().maxConnections(64).build())
                        .build();
                ExecutorService executor = Executors.newFixedThreadPool(16)) {
            List<List<SendMessageBatchRequestEntry>> batches = new ArrayList<>();
            for (int from = 0; from < size; from += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = from; i < Math.min(size, from + 10); i++) {
                    entries.add(SendMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i - from))
                            .messageBody(body)
                            .messageAttributes(oneTagSubTask(i, size))
                            .build());
                }
                batches.add(entries);
            }
            long start = System.nanoTime();
            List<Future<?>> calls = new ArrayList<>();
            for (List<SendMessageBatchRequestEntry> batch : batches) {
                calls.add(executor.submit(
                        () -> client.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch))));
            }
            for (Future<?> call : calls) {
                call.get();
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }

    // b) Fan-out efficiency ----------------------------------------------------------------------

    private void fanOutEfficiency() throws Exception {
        for (int size : List.of(1_000, 10_000)) {
            List<InvocationRecord> records = new ArrayList<>();
            RunSummary summary = run(Events.createTags(size, "fanout-" + size), Duration.ofSeconds(1), 1_000, records);
            double ideal = Math.ceil(size / 1_000.0) * 1_000;
            measurements.add(
                    "b) fan-out",
                    String.format(Locale.ROOT, "%,d × 1 s at concurrency 1,000, wall ÷ ideal", size),
                    Measurements.ratio(summary.elapsedMs() / ideal),
                    String.format(
                            Locale.ROOT,
                            "wall %,d ms, ideal %,.0f ms, %,d invocations; %s; goal ≤ 1.10",
                            summary.elapsedMs(),
                            ideal,
                            summary.invocations(),
                            phases(records)),
                    "fanout_" + size + "_wall_over_ideal",
                    summary.elapsedMs() / ideal);
        }
    }

    /**
     * Not in "all" (a minute, 1.4 GB of heap): how long a 100,000-item task takes to be split in
     * full, in levels of at most FAN_OUT_LIMIT, against one invocation queuing FAN_OUT_LIMIT sub-tasks.
     */
    private void hundredThousandSplit() throws Exception {
        List<InvocationRecord> records = new ArrayList<>();
        RunSummary summary = run(Events.createTags(100_000, "split-100000"), Duration.ZERO, 1_000, records);
        measurements.add(
                "b) fan-out",
                "100,000 × 0 s at concurrency 1,000",
                Measurements.millis(summary.elapsedMs()),
                String.format(Locale.ROOT, "%,d invocations; %s", summary.invocations(), phases(records)),
                "fanout_100000_wall_ms",
                summary.elapsedMs());
    }

    /** Where a fan-out's wall time went: when the splitting ended, and when the processing began and ended. */
    private static String phases(List<InvocationRecord> records) {
        java.time.Instant first = records.stream()
                .map(InvocationRecord::start)
                .min(java.util.Comparator.naturalOrder())
                .orElseThrow();
        java.util.function.ToLongFunction<java.time.Instant> at =
                instant -> Duration.between(first, instant).toMillis();
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

    RunSummary run(String event, Duration delay, int concurrency, List<InvocationRecord> records) throws Exception {
        return run(event, delay, concurrency, records, local -> {});
    }

    /** As {@link #run(String, Duration, int, List)}, showing {@code drained} the environment once it drained. */
    RunSummary run(
            String event,
            Duration delay,
            int concurrency,
            List<InvocationRecord> records,
            java.util.function.Consumer<LocalEnvironment> drained)
            throws Exception {
        Map<String, String> environment = Map.of("PROCESSING_DELAY", Long.toString(delay.toMillis()));
        LocalSettings settings = new LocalSettings(
                FUNCTION_JAR,
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
                dev.loadsplitter.local.invoke.AsyncSettings.lambdaDefaults(
                        Duration.ofSeconds(1), dev.loadsplitter.local.invoke.AsyncSettings.DEFAULT_MAX_EVENT_AGE),
                FaultPlan.none(),
                0,
                Optional.empty(),
                dev.loadsplitter.local.container.Isolation.AUTO);
        RunRecorder recorder = new RunRecorder(JsonMapper.builder().build(), 1, 10, settings.dlqName(), record -> {});
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        PrintStream out = System.out;
        System.setOut(quiet); // the function's own log lines
        try (LocalEnvironment local =
                LocalEnvironment.start(settings, recorder, dev.loadsplitter.local.container.FunctionLog.none())) {
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

    // c) Zero-work dispatch ----------------------------------------------------------------------

    private void zeroWorkDispatch(EmbeddedSqs sqs) throws Exception {
        zeroWorkDispatch(sqs, 10_000, 3);
    }

    /** Returns ours ÷ raw at batch size 1 and 10 (rates), medians of {@code rounds} after a warm-up round. */
    double[] zeroWorkDispatch(EmbeddedSqs sqs, int size, int rounds) throws Exception {
        Map<String, Double> medians = interleaved(
                rounds,
                Map.of(
                        "ours", () -> emulatorDrain(sqs, size, 1),
                        "ours10", () -> emulatorDrain(sqs, size, 10),
                        "raw", () -> rawReceiveDelete(sqs, size)));
        double ours = medians.get("ours");
        double ours10 = medians.get("ours10");
        double raw = medians.get("raw");
        measurements.add(
                "c) dispatch",
                "ESM emulator + function, delay 0, batch size 10",
                Measurements.perSecond(size / (ours10 / 1000)),
                String.format(
                        Locale.ROOT,
                        "%,d one-tag sub-tasks in %,.0f ms (median of 3), concurrency 1,000",
                        size,
                        ours10),
                "dispatch_ours_batch10_per_s",
                size / (ours10 / 1000));
        measurements.add(
                "c) dispatch",
                "ours (batch size 10) ÷ raw",
                Measurements.ratio(raw / ours10),
                "goal ≥ 0.7",
                "dispatch_ours_batch10_over_raw",
                raw / ours10);
        measurements.add(
                "c) dispatch",
                "ESM emulator + function, delay 0",
                Measurements.perSecond(size / (ours / 1000)),
                String.format(
                        Locale.ROOT,
                        "%,d one-tag sub-tasks in %,.0f ms (median of 3), batch size 1, concurrency 1,000",
                        size,
                        ours),
                "dispatch_ours_per_s",
                size / (ours / 1000));
        measurements.add(
                "c) dispatch",
                "raw ReceiveMessage + DeleteMessageBatch",
                Measurements.perSecond(size / (raw / 1000)),
                String.format(Locale.ROOT, "%,d messages in %,.0f ms (median of 3), 16 threads", size, raw),
                "dispatch_raw_per_s",
                size / (raw / 1000));
        measurements.add(
                "c) dispatch",
                "ours ÷ raw",
                Measurements.ratio(raw / ours),
                "goal ≥ 0.7",
                "dispatch_ours_over_raw",
                raw / ours);
        return new double[] {raw / ours, raw / ours10};
    }

    private double emulatorDrain(EmbeddedSqs sqs, int size, int batchSize) throws Exception {
        return onFreshQueue(sqs, "dispatch", queues -> emulatorDrain(sqs, queues, size, batchSize));
    }

    private double emulatorDrain(EmbeddedSqs sqs, EmbeddedSqs.QueuePair queues, int size, int batchSize)
            throws Exception {
        sendRaw(sqs, queues.url(), size);
        Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
        environment.put("PROCESSING_DELAY", "0");
        FunctionDefinition definition = new FunctionDefinition(
                "load-splitter", LocalSettings.HANDLER, FUNCTION_JAR, 1024, Duration.ofSeconds(60), environment);
        PrintStream out = System.out;
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));
        CallCounter counter = new CallCounter();
        try (SqsClient client = sqs.clientBuilder()
                        .httpClient(
                                Apache5HttpClient.builder().maxConnections(64).build())
                        .overrideConfiguration(o -> o.addExecutionInterceptor(counter)
                                .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                        .build();
                FunctionRuntime function = new FunctionRuntime(
                        definition,
                        "arn:aws:lambda:us-east-1:000000000000:function:x",
                        1_010,
                        Clock.systemUTC(),
                        dev.loadsplitter.local.container.FunctionLog.none(),
                        InvocationListener.none());
                EventSourceMapping mapping = new EventSourceMapping(
                        client,
                        queues.url(),
                        queues.arn(),
                        EmbeddedSqs.REGION,
                        function,
                        new EsmSettings(batchSize, Duration.ZERO, 1_000, true, true),
                        JsonMapper.builder().build())) {
            long start = System.nanoTime();
            long cpu = cpuNanos();
            long server = serverCpuNanos();
            mapping.start();
            long giveUp = start + DRAIN_LIMIT.toNanos();
            while (sqs.depth(queues.url()).total() > 0 || mapping.inFlight() > 0) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("the mapping did not drain " + size + " sub-tasks in "
                            + DRAIN_LIMIT.toSeconds() + " s: " + sqs.depth(queues.url()) + " left, "
                            + function.invocations() + " invocations, " + mapping.failedRecords()
                            + " records failed (the function refuses them: check the bench's messages)");
                }
                Thread.sleep(100);
            }
            double millis = (System.nanoTime() - start) / 1e6;
            System.err.printf(
                    Locale.ROOT,
                    "bench: ESM batch size %d: %.0f ms, %,d invocations, %,d cold, peak %,d at once; %s; "
                            + "CPU %.2f s, of which server %.2f s%n",
                    batchSize,
                    millis,
                    function.invocations(),
                    function.coldStarts(),
                    function.peakConcurrency(),
                    counter.summary(),
                    (cpuNanos() - cpu) / 1e9,
                    (serverCpuNanos() - server) / 1e9);
            return millis;
        } finally {
            System.setOut(out);
        }
    }

    private double rawReceiveDelete(EmbeddedSqs sqs, int size) throws Exception {
        return onFreshQueue(sqs, "rawrecv", queues -> rawReceiveDelete(sqs, queues, size));
    }

    private double rawReceiveDelete(EmbeddedSqs sqs, EmbeddedSqs.QueuePair queues, int size) throws Exception {
        sendRaw(sqs, queues.url(), size);
        AtomicInteger deleted = new AtomicInteger();
        CallCounter counter = new CallCounter();
        try (SqsClient client = sqs.clientBuilder()
                        .httpClient(
                                Apache5HttpClient.builder().maxConnections(64).build())
                        .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                        .build();
                ExecutorService executor = Executors.newFixedThreadPool(16)) {
            long start = System.nanoTime();
            long cpu = cpuNanos();
            long server = serverCpuNanos();
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                workers.add(executor.submit(() -> {
                    while (deleted.get() < size) {
                        List<Message> page = client.receiveMessage(r -> r.queueUrl(queues.url())
                                        .maxNumberOfMessages(10)
                                        .messageAttributeNames("All")
                                        .waitTimeSeconds(0))
                                .messages();
                        if (page.isEmpty()) {
                            continue;
                        }
                        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int j = 0; j < page.size(); j++) {
                            entries.add(DeleteMessageBatchRequestEntry.builder()
                                    .id(Integer.toString(j))
                                    .receiptHandle(page.get(j).receiptHandle())
                                    .build());
                        }
                        client.deleteMessageBatch(r -> r.queueUrl(queues.url()).entries(entries));
                        deleted.addAndGet(page.size());
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            double millis = (System.nanoTime() - start) / 1e6;
            System.err.printf(
                    Locale.ROOT,
                    "bench: raw receive + delete: %.0f ms, %s; CPU %.2f s, of which server %.2f s%n",
                    millis,
                    counter.summary(),
                    (cpuNanos() - cpu) / 1e9,
                    (serverCpuNanos() - server) / 1e9);
            return millis;
        }
    }

    // f) Micro benchmarks (JMH) -------------------------------------------------------------------

    /**
     * The per-split and per-invocation costs without the endpoint, in a forked JVM running C1 only,
     * as Lambda's Java runtime and the launcher do. Logs go to /dev/null: formatting them still counts.
     */
    private void micro() throws Exception {
        org.openjdk.jmh.runner.options.Options options = new org.openjdk.jmh.runner.options.OptionsBuilder()
                .include("dev\\.loadsplitter\\.bench\\.micro\\..*")
                .forks(1)
                .warmupIterations(3)
                .warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx1g", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.logFile=/dev/null")
                .build();
        for (org.openjdk.jmh.results.RunResult result : new org.openjdk.jmh.runner.Runner(options).run()) {
            String method = result.getParams().getBenchmark().replaceFirst(".*\\.micro\\.", "");
            String params = String.join(
                    ", ",
                    result.getParams().getParamsKeys().stream()
                            .map(key -> key + " " + result.getParams().getParam(key))
                            .toList());
            org.openjdk.jmh.results.Result<?> primary = result.getPrimaryResult();
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

    /** CPU time the ElasticMQ server's threads have used (platform threads named "elasticmq-…"). */
    static long serverCpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("elasticmq")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    /** CPU time this process (server, runtime and functions together) has used. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    // d) Cold start ------------------------------------------------------------------------------

    private void coldStart(EmbeddedSqs sqs) throws Exception {
        Path event = scratch.resolve("one-tag.json");
        Files.writeString(event, template);
        String classpath = FUNCTION_JAR.toAbsolutePath()
                + java.io.File.pathSeparator
                + Path.of("target", "classes").toAbsolutePath();
        double function = median(5, () -> probe(classpath, "function", event.toString()));
        double sdk = median(5, () -> probe(classpath, "sdk", sqs.endpoint().toString()));
        measurements.add(
                "d) cold start",
                "fresh JVM: function jar, 1-tag invoke, delay 0",
                Measurements.millis(function),
                "JVM start to answer, median of 5",
                "cold_function_ms",
                function);
        measurements.add(
                "d) cold start",
                "fresh JVM: bare SDK client, first call",
                Measurements.millis(sdk),
                "JVM start to answer, median of 5",
                "cold_sdk_ms",
                sdk);
        measurements.add(
                "d) cold start",
                "function ÷ bare SDK",
                Measurements.ratio(function / sdk),
                "goal ≤ 1.3",
                "cold_ratio",
                function / sdk);
    }

    private double probe(String classpath, String mode, String argument) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                java(),
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath,
                ColdStartProbe.class.getName(),
                mode,
                argument));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("cold start probe failed: " + out);
        }
        String[] lines = out.split("\\R");
        return Double.parseDouble(lines[lines.length - 1]);
    }

    // HTTP clients on the split path ---------------------------------------------------------------

    /**
     * The same 10,000 sub-tasks sent by the same sender (8 calls in flight, virtual threads) over
     * each synchronous HTTP client, and each client's build and first call in a fresh JVM.
     */
    private void clients(EmbeddedSqs sqs) throws Exception {
        // url-connection keeps 5 idle connections per host unless told otherwise; give it a pool like the others'.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "64");
        }
        List<dev.loadsplitter.engine.message.SubTask> subTasks = Events.oneTagSubTasks(10_000);
        String classpath = System.getProperty("java.class.path");
        Map<String, Timed> sends = new java.util.LinkedHashMap<>();
        Map<String, Timed> colds = new java.util.LinkedHashMap<>();
        for (String name : HttpClients.NAMES) {
            sends.put(
                    name,
                    () -> onFreshQueue(sqs, "client", queues -> {
                        try (SqsClient client =
                                        HttpClients.sqs(name, sqs.endpoint().toString());
                                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                            var sender = new dev.loadsplitter.engine.internal.queue.SqsSubTaskSender(
                                    client,
                                    dev.loadsplitter.engine.internal.queue.QueueAddress.ofUrl(queues.url()),
                                    dev.loadsplitter.engine.internal.queue.SenderSettings.defaultSettings(),
                                    executor,
                                    dev.loadsplitter.engine.internal.time.Sleeper.system(),
                                    Clock.systemUTC());
                            client.listQueues(); // a warm container has its connections
                            long start = System.nanoTime();
                            sender.send(subTasks, new dev.loadsplitter.engine.task.WorkContext("clients", "", "bench"));
                            return (System.nanoTime() - start) / 1e6;
                        }
                    }));
            colds.put(name, () -> probe(classpath, "sdk-" + name, sqs.endpoint().toString()));
        }
        for (int inFlight : List.of(8, 32)) {
            sends.put(
                    "crt-async-" + inFlight,
                    () -> onFreshQueue(sqs, "client", queues -> {
                        try (var client = AsyncCrtSender.client(sqs.endpoint().toString())) {
                            client.listQueues().join(); // a warm container has its connections
                            long start = System.nanoTime();
                            AsyncCrtSender.send(client, queues.url(), subTasks, inFlight);
                            return (System.nanoTime() - start) / 1e6;
                        }
                    }));
        }
        colds.put(
                "crt-async",
                () -> probe(classpath, "sdk-crt-async", sqs.endpoint().toString()));
        Map<String, Double> sent = interleaved(3, sends);
        Map<String, Double> cold = interleaved(5, colds);
        sends.keySet().forEach(name -> {
            double millis = sent.get(name);
            String label = name.startsWith("crt-async-")
                    ? "crt-async: send 10,000 sub-tasks, " + name.substring(10) + " in flight"
                    : name + ": send 10,000 sub-tasks, 8 in flight";
            measurements.add(
                    "clients",
                    label,
                    Measurements.perSecond(10_000 / (millis / 1000)),
                    Measurements.millis(millis)
                            + (name.startsWith("crt-async-")
                                    ? " median of 3, SqsAsyncClient, own batching"
                                    : " median of 3, the function's sender on virtual threads"),
                    "client_" + name.replace('-', '_') + "_per_s",
                    10_000 / (millis / 1000));
        });
        colds.keySet()
                .forEach(name -> measurements.add(
                        "clients",
                        name + ": fresh JVM to first call",
                        Measurements.millis(cold.get(name)),
                        "median of 5, interleaved, the bench's class path",
                        "client_" + name.replace('-', '_') + "_cold_ms",
                        cold.get(name)));
    }

    // e) Peak RSS --------------------------------------------------------------------------------

    private void peakRss() throws Exception {
        Path event = scratch.resolve("ten-thousand.json");
        Files.writeString(event, Events.createTags(10_000, "rss-10000"));
        for (String javaOpts : List.of("", "-Xmx1g")) {
            long kb = runAndWatchRss(javaOpts, event);
            measurements.add(
                    "e) peak RSS",
                    "run, 10,000 × 1 s, concurrency 1,000" + (javaOpts.isEmpty() ? "" : ", " + javaOpts),
                    String.format(Locale.ROOT, "%,d MB", kb / 1024),
                    javaOpts.isEmpty()
                            ? "the launcher's default heap (320 MB); goal ≤ 512 MB"
                            : "LOAD_SPLITTER_JAVA_OPTS=" + javaOpts,
                    "rss_10000_mb" + javaOpts.replace("-", "_"),
                    kb / 1024.0);
        }
    }

    /** Runs {@code ./load-splitter run} as a user does, with {@code javaOpts}, and returns its peak resident set in KB. */
    private long runAndWatchRss(String javaOpts, Path event) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        ROOT.resolve("load-splitter")
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
            } catch (java.io.IOException gone) {
                break;
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("load-splitter run failed with exit code " + process.exitValue());
        }
        return peak;
    }

    // Helpers ------------------------------------------------------------------------------------

    /** A measurement on a queue of its own. */
    private interface OnQueue {
        double run(EmbeddedSqs.QueuePair queues) throws Exception;
    }

    /** Runs {@code timed} on a new work queue (and DLQ) named after {@code prefix}, and deletes the work queue after. */
    private static double onFreshQueue(EmbeddedSqs sqs, String prefix, OnQueue timed) throws Exception {
        EmbeddedSqs.QueuePair queues =
                sqs.createQueues(prefix + "-" + QUEUES.incrementAndGet(), 5, Duration.ofMinutes(5));
        try {
            return timed.run(queues);
        } finally {
            sqs.client().deleteQueue(r -> r.queueUrl(queues.url()));
        }
    }

    private interface Timed {
        double run() throws Exception;
    }

    /**
     * Runs every contender once to warm up, then {@code rounds} rounds of each in turn, and returns
     * each one's median. The server's JIT keeps warming for tens of thousands of messages; running
     * one contender's repeats before the other's favours whichever goes second by up to 2×.
     */
    private static Map<String, Double> interleaved(int rounds, Map<String, Timed> contenders) throws Exception {
        List<String> order = new ArrayList<>(new java.util.TreeSet<>(contenders.keySet()));
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

    private static double median(int runs, Timed timed) throws Exception {
        timed.run(); // warm-up
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            values.add(timed.run());
        }
        values.sort(Double::compare);
        return values.get(values.size() / 2);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * The attributes the split gives the {@code index}th of {@code size} one-tag parts of one job: a
     * sub-task the function accepts (an attribute short, it refuses the message, which then waits
     * out its visibility timeout and the drain never ends).
     */
    private static Map<String, MessageAttributeValue> oneTagSubTask(int index, int size) {
        return Map.of(
                SubTaskAttribute.JOB_ID.attributeName(), string("raw-job"),
                SubTaskAttribute.PART_ID.attributeName(), string(Integer.toString(index + 1)),
                SubTaskAttribute.PART_COUNT.attributeName(), number(size),
                SubTaskAttribute.SPLIT_DEPTH.attributeName(), number(1),
                SubTaskAttribute.HOPS.attributeName(), number(1),
                SubTaskAttribute.FIRST_ITEM.attributeName(), number(index),
                SubTaskAttribute.ITEM_COUNT.attributeName(), number(1),
                SubTaskAttribute.TASK_TYPE.attributeName(), string("CreateTags"));
    }

    private static MessageAttributeValue number(long value) {
        return MessageAttributeValue.builder()
                .dataType("Number")
                .stringValue(Long.toString(value))
                .build();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    private static String invoke(LoadSplitterHandler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }
}
