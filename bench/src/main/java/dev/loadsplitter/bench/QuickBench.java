package dev.loadsplitter.bench;

import dev.loadsplitter.local.aws.DynamoDbUsage;
import dev.loadsplitter.local.report.InvocationRecord;
import dev.loadsplitter.local.report.RunSummary;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code -Dbench.only=quick}: the issue-20 figures in about a minute, one line each with its goal, and
 * what AWS would bill per sub-task. Numbers of one run on a shared machine: read them against the
 * goals, and take the full benchmark (or the CLI, median of three) for the record.
 */
final class QuickBench {

    /** The memory the bench's runs give the function, for Lambda's GB-seconds. */
    private static final double MEMORY_GB = 1024 / 1024.0;

    /**
     * The zero-work items of the dispatch figures and of the records-on run, the same number, so
     * the records-on drain compares with the raw drain of as many messages.
     */
    private static final int DISPATCH_SIZE = 2_000;

    private final List<String> lines = new ArrayList<>();

    void run() throws Exception {
        DispatchOverRaw.Ratios dispatch;
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            // The median of three rounds after a warm-up: one round's ratio moved by up to 0.3 on
            // this shared machine (a raw drain caught slow); three cost about 10 s more.
            dispatch = new DispatchOverRaw(new Measurements()).measure(sqs, DISPATCH_SIZE, 3);
            line("dispatch ÷ raw, records off, batch size 1", dispatch.batch1(), "%.2f", "≥ 0.5 (stretch ≥ 0.7)");
            line(
                    "… batch size 1 at most: raw ÷ (raw + its invocations alone, no SQS)",
                    dispatch.batch1Ceiling(),
                    "%.2f",
                    "— (the mapping's own cost at zero)");
            line("dispatch ÷ raw, records off, batch size 10", dispatch.batch10(), "%.2f", "≥ 0.5 (stretch ≥ 0.7)");
        }
        zeroWork(DISPATCH_SIZE, dispatch.rawMillis());
        fanOut(1_000);
        System.out.println();
        lines.forEach(System.out::println);
    }

    /**
     * The zero-work run with job records on (the CLI's defaults: batch size 1), and its drain
     * against {@code rawMillis}, a raw receive-and-delete drain of as many messages.
     */
    private void zeroWork(int items, double rawMillis) throws Exception {
        List<InvocationRecord> records = new ArrayList<>();
        AtomicReference<DynamoDbUsage> usage = new AtomicReference<>();
        long[] mappingCalls = {0, 0};
        long[] cpu = new long[2];
        long cpuBefore = Harness.cpuNanos();
        Harness.ServerCpu serverBefore = Harness.serverCpu();
        RunSummary summary =
                LocalRun.run(Events.createTags(items, "quick-zero-" + items), Duration.ZERO, 1_000, records, local -> {
                    cpu[0] = Harness.cpuNanos() - cpuBefore;
                    cpu[1] = serverBefore.since();
                    usage.set(local.aws().dynamoDbUsage());
                    mappingCalls[0] = local.mapping().receives();
                    mappingCalls[1] = local.mapping().deleteCalls();
                });
        long subTasks = summary.subTasks();
        line(
                "zero-work items/s, " + String.format(Locale.ROOT, "%,d", items) + " items, records on",
                items / (summary.elapsedMs() / 1000.0),
                "%,.0f",
                "≥ 1,500 (stretch ≥ 2,500)");
        line(
                "dispatch ÷ raw, records on, batch size 1 (the sub-tasks' first start to last end)",
                rawMillis / drainMillis(records),
                "%.2f",
                "≥ 0.5 (stretch ≥ 0.7)");
        line(
                "CPU per sub-task (the whole JVM: SQS server, runtime, function, endpoint)",
                cpu[0] / 1e6 / subTasks,
                "%.2f ms",
                "—");
        line("CPU per sub-task in the SQS server (ElasticMQ's threads)", cpu[1] / 1e6 / subTasks, "%.2f ms", "—");
        line(
                "CPU per sub-task outside the SQS server",
                (cpu[0] - cpu[1]) / 1e6 / subTasks,
                "%.2f ms",
                "stretch ≤ 0.5 ms");
        DynamoDbUsage.OperationUsage dynamo = usage.get().total();
        line(
                "AWS bill per sub-task: DynamoDB requests",
                (double) dynamo.calls() / subTasks,
                "%.2f",
                "budget: 4 per one-item sub-task, the split's and the close's shared out");
        line(
                "AWS bill per sub-task: DynamoDB write units",
                (double) dynamo.writeUnits() / subTasks,
                "%.2f",
                "budget: 7 per one-item sub-task");
        // The splits send their sub-tasks 10 to a SendMessageBatch: at least one call per 10.
        long sends = (subTasks + 9) / 10;
        long sqsRequests = mappingCalls[0] + mappingCalls[1] + sends;
        line(
                String.format(
                        Locale.ROOT,
                        "AWS bill per sub-task: SQS requests (%,d receives, %,d deletes, ~%,d sends)",
                        mappingCalls[0],
                        mappingCalls[1],
                        sends),
                (double) sqsRequests / subTasks,
                "%.2f",
                "ideal 0.3 (a receive, a delete and a send per 10)");
        line("CPU per SQS request in the SQS server", cpu[1] / 1e6 / sqsRequests, "%.2f ms", "—");
        double gbSeconds = records.stream()
                        .mapToLong(record -> Math.max(
                                1,
                                Duration.between(record.start(), record.end()).toMillis()))
                        .sum()
                / 1000.0
                * MEMORY_GB;
        line("AWS bill per item: Lambda GB-s (1,024 MB, duration rounded up to 1 ms)", gbSeconds / items, "%.6f", "—");
    }

    /**
     * How long the run's sub-tasks took to drain: from the first sub-task's start to the last
     * one's end. The splits that queue them run beside the first ones, as in any run.
     */
    private static double drainMillis(List<InvocationRecord> records) {
        List<InvocationRecord> processing = records.stream()
                .filter(record -> record.kind() == InvocationRecord.Kind.PROCESS)
                .toList();
        if (processing.isEmpty()) {
            throw new IllegalStateException("the zero-work run recorded no sub-task: nothing to time");
        }
        Instant first = processing.stream()
                .map(InvocationRecord::start)
                .min(Comparator.naturalOrder())
                .orElseThrow();
        Instant last = processing.stream()
                .map(InvocationRecord::end)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        return Math.max(1, Duration.between(first, last).toMillis());
    }

    private void fanOut(int items) throws Exception {
        List<InvocationRecord> records = new ArrayList<>();
        RunSummary summary =
                LocalRun.run(Events.createTags(items, "quick-fanout-" + items), Duration.ofSeconds(1), 1_000, records);
        double ideal = Math.ceil(items / 1_000.0) * 1_000;
        line(
                String.format(Locale.ROOT, "%,d × 1 s at concurrency 1,000, wall ÷ ideal (warm JVM)", items),
                summary.elapsedMs() / ideal,
                "%.2f",
                "≤ 2.0 (stretch ≤ 1.5)");
    }

    private void line(String figure, double value, String format, String goal) {
        lines.add(String.format(
                Locale.ROOT, "quick: %-100s %12s   goal %s", figure, String.format(Locale.ROOT, format, value), goal));
    }
}
