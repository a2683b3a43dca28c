package dev.loadsplitter.bench;

import dev.loadsplitter.local.aws.DynamoDbUsage;
import dev.loadsplitter.local.report.InvocationRecord;
import dev.loadsplitter.local.report.RunSummary;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.time.Duration;
import java.util.ArrayList;
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

    private final List<String> lines = new ArrayList<>();

    void run() throws Exception {
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            double[] dispatch = new DispatchOverRaw(new Measurements()).measure(sqs, 2_000, 1);
            line("dispatch ÷ raw, records off, batch size 1", dispatch[0], "%.2f", "≥ 0.5 (stretch ≥ 0.7)");
            line("dispatch ÷ raw, records off, batch size 10", dispatch[1], "%.2f", "≥ 0.5 (stretch ≥ 0.7)");
        }
        zeroWork(2_000);
        fanOut(1_000);
        System.out.println();
        lines.forEach(System.out::println);
    }

    private void zeroWork(int items) throws Exception {
        List<InvocationRecord> records = new ArrayList<>();
        AtomicReference<DynamoDbUsage> usage = new AtomicReference<>();
        long[] receives = {0};
        long[] cpu = new long[2];
        long cpuBefore = Harness.cpuNanos();
        long serverBefore = Harness.serverCpuNanos();
        RunSummary summary =
                LocalRun.run(Events.createTags(items, "quick-zero-" + items), Duration.ZERO, 1_000, records, local -> {
                    cpu[0] = Harness.cpuNanos() - cpuBefore;
                    cpu[1] = Harness.serverCpuNanos() - serverBefore;
                    usage.set(local.aws().dynamoDbUsage());
                    receives[0] = local.mapping().receives();
                });
        long subTasks = summary.subTasks();
        line(
                "zero-work items/s, " + String.format(Locale.ROOT, "%,d", items) + " items, records on",
                items / (summary.elapsedMs() / 1000.0),
                "%,.0f",
                "≥ 1,500 (stretch ≥ 2,500)");
        line(
                "CPU per sub-task (the whole JVM: SQS server, runtime, function, endpoint)",
                cpu[0] / 1e6 / subTasks,
                "%.2f ms",
                "—");
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
        long invocations = records.stream()
                .filter(record -> record.trigger() == dev.loadsplitter.local.container.Trigger.SQS)
                .count();
        long sends = (subTasks + 9) / 10;
        line(
                "AWS bill per sub-task: SQS requests (mapping receives, one delete per batch at most, the split's sends)",
                (double) (receives[0] + invocations + sends) / subTasks,
                "≤ %.2f",
                "ideal 0.3 at batch 10 (1 + 1 + 1 per 10)");
        double gbSeconds = records.stream()
                        .mapToLong(record -> Math.max(
                                1,
                                Duration.between(record.start(), record.end()).toMillis()))
                        .sum()
                / 1000.0
                * MEMORY_GB;
        line("AWS bill per item: Lambda GB-s (1,024 MB, duration rounded up to 1 ms)", gbSeconds / items, "%.6f", "—");
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
