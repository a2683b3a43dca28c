package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.internal.json.EventJson;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.memory.HeapGuard;
import dev.loadsplitter.local.memory.ResidentMemory;
import dev.loadsplitter.local.report.InvocationLog;
import dev.loadsplitter.local.report.RunRecorder;
import dev.loadsplitter.local.report.RunSummary;
import dev.loadsplitter.local.report.TimelinePage;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code load-splitter run EVENT_FILE}: the whole fan-out, start to drained, with a summary. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every item was processed",
            "1:not drained before --timeout",
            "2:the command line, the event file or a setting was wrong",
            "3:the JVM heap filled up; rerun with a bigger -Xmx",
            "4:the run finished, but items were dead-lettered, the event was rejected (400) or went to the "
                    + "failed-events queue, or the function could not start"
        },
        description = "Starts everything, invokes the function with EVENT_FILE as EventBridge does "
                + "(asynchronously), and waits until the queue is drained and every invocation has finished. "
                + "Prints each invocation's START/END/REPORT lines on stderr and a summary on stdout.")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "EVENT_FILE",
            description = "The event to invoke with, e.g. examples/events/create-tags-5.json.")
    Path eventFile;

    @Mixin
    FunctionOptions function;

    @Mixin
    MappingOptions mapping;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write a timeline page (self-contained HTML) to FILE.")
    Path report;

    @Option(
            names = "--timeout",
            defaultValue = "10m",
            paramLabel = "DURATION",
            description = "Give up waiting for the run to drain after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** run's transaction window: see docs/local-runtime.md for the measurement behind it. */
    static final String TRANSACTION_WINDOW = "0s";

    @Mixin
    DynamoDbOptions dynamoDb;

    @Option(
            names = "--dynamodb-transaction-window",
            defaultValue = TRANSACTION_WINDOW,
            paramLabel = "DURATION",
            description = "How long a TransactWriteItems holds its items pending in the local DynamoDB before it "
                    + "commits; another transaction touching one meanwhile is cancelled (TransactionConflict) and a "
                    + "plain write refused (TransactionConflictException), as on DynamoDB. 0s commits at once and "
                    + "never conflicts; at most 10s (default: ${DEFAULT-VALUE}).")
    Duration transactionWindow;

    @Option(
            names = "--sqs-port",
            defaultValue = "0",
            paramLabel = "PORT",
            description = "Port of the embedded SQS server (default: any free port).")
    int sqsPort;

    @Override
    public Integer call() throws Exception {
        byte[] event = Events.read(eventFile);
        PrintWriter out = spec.commandLine().getOut();
        PrintStream err = System.err;
        LocalSettings settings = function.toSettings(mapping, "127.0.0.1", sqsPort, true)
                .withAws(dynamoDb.settings(transactionWindow, "--dynamodb-transaction-window"));
        ObjectMapper mapper = JsonMapper.builder().build();
        InvocationLog log = new InvocationLog(err, settings.memoryMb(), function.logFormat());
        TerminalStatus status = TerminalStatus.onTerminal(err);
        RunRecorder recorder = new RunRecorder(
                mapper, function.maxItemsPerTask, function.recordConcurrency(), settings.dlqName(), record -> {
                    status.print(log::ended, record);
                });
        InvocationListener listener = InvocationListener.all(List.of(
                new InvocationListener() {
                    @Override
                    public void started(Started started) {
                        status.print(log::started, started);
                    }
                },
                recorder));
        // A run whose heap is full ends at once: an orderly stop needs memory the heap no longer has
        // (closing the server and the containers hit OutOfMemoryError, and ElasticMQ's actor system
        // or the CRT client's native code then ended the JVM with 255 or 134), and a run's queues
        // are in memory, so there is nothing to save.
        HeapGuard heapGuard = HeapGuard.watch(HeapGuard.DEFAULT_THRESHOLD, HeapGuard.DEFAULT_STRIKES, message -> {
            err.println(heapAdvice("stopping", message, "run"));
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.HEAP_FULL);
        });
        try (heapGuard;
                LocalEnvironment environment = LocalEnvironment.start(
                        settings,
                        listener,
                        (requestId, at, message) -> status.print(line -> log.event(requestId, at, line), message))) {
            long startupMs = Duration.between(
                            Instant.ofEpochMilli(
                                    ManagementFactory.getRuntimeMXBean().getStartTime()),
                            Instant.now())
                    .toMillis();
            err.printf(
                    Locale.ROOT,
                    "load-splitter: SQS at %s, queue %s, DLQ %s; started in %d ms%n",
                    environment.sqs().endpoint(),
                    settings.queueName(),
                    settings.dlqName(),
                    startupMs);
            String jobId = JobIds.derive(EventJson.shared().readTree(event));
            status.start(() -> progress(environment, recorder, jobId));
            environment.async().submit(event);
            boolean drained = environment.awaitDrained(timeout);
            status.stop();
            RunSummary summary = recorder.summary(
                    environment.function().coldStarts(),
                    environment.function().peakConcurrency(),
                    environment.deadLetters());
            JobView job = JobView.of(environment, jobId);
            if (report != null) {
                Files.writeString(
                        report,
                        TimelinePage.render(
                                recorder.records(),
                                summary,
                                eventFile.getFileName().toString(),
                                job.record().flatMap(JobRecord::completedAt)),
                        StandardCharsets.UTF_8);
                err.println("load-splitter: timeline written to " + report.toAbsolutePath());
            }
            if (json) {
                ObjectNode node = toJson(
                        mapper,
                        summary,
                        job,
                        drained,
                        startupMs,
                        environment.async().failedEvents().size());
                // Where the function ran, and what memory it took: the CLI's JVM, and the function's own when it has
                // one.
                node.put("isolation", environment.function().isolation().option());
                node.put("scaling", settings.esm().scaling().name());
                ResidentMemory.peakBytes(ProcessHandle.current().pid())
                        .ifPresent(bytes -> node.put("runtimePeakRssMb", bytes >> 20));
                environment
                        .function()
                        .functionJvmPeakResidentBytes()
                        .ifPresent(bytes -> node.put("functionJvmPeakRssMb", bytes >> 20));
                out.println(node);
            } else {
                out.print(text(summary, job, drained, startupMs));
            }
            out.flush();
            EmbeddedSqs.QueueDepth depth =
                    environment.sqs().depth(environment.queues().url());
            RunVerdict verdict = RunVerdict.of(new RunVerdict.Facts(
                    drained,
                    new RunVerdict.Waiting(
                            environment.function().busy(),
                            depth.visible(),
                            depth.inFlight() + depth.delayed(),
                            environment
                                    .sqs()
                                    .depth(environment.queues().dlqUrl())
                                    .total(),
                            settings.visibilityTimeout(),
                            timeout),
                    summary,
                    job,
                    recorder.records(),
                    recorder.firstInitError()
                            .map(error -> error + "; handler " + settings.handler() + " in "
                                    + settings.functionJar().toAbsolutePath().normalize()),
                    environment.async().failedEvents(),
                    environment.failedEventsUrl(),
                    environment.parkedUrl(),
                    settings.maxReceiveCount()));
            if (!verdict.line().isEmpty()) {
                PrintWriter messages = spec.commandLine().getErr();
                messages.println(verdict.line());
                messages.flush();
            }
            return verdict.exitCode();
        }
    }

    /**
     * What to say when the heap filled up: what happened, why, and the flag that fixes it.
     *
     * @param lead "stopping" or "warning"
     * @param command the subcommand to run again with the flag
     */
    static String heapAdvice(String lead, String what, String command) {
        return "load-splitter: " + lead + ": " + what + ". The embedded SQS server keeps every queued sub-task in "
                + "memory (a few KB each; 100,000 one-item sub-tasks took about 700 MB). Rerun with a bigger heap, "
                + "e.g. LOAD_SPLITTER_JAVA_OPTS=-Xmx2g ./load-splitter " + command + " ...; the launcher's default is "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB here.";
    }

    /** The live line: the runtime's counts, and the job's progress as the function counts it. */
    private String progress(LocalEnvironment environment, RunRecorder recorder, String jobId) {
        String job = environment
                .records()
                .job(jobId)
                .map(record -> String.format(
                        Locale.ROOT,
                        " · job %s %,d/%,d processed, %,d dead-lettered",
                        record.status(),
                        record.processed(),
                        record.items(),
                        record.deadLettered()))
                .orElse("");
        return String.format(
                Locale.ROOT,
                "invocations %d · running %d · messages delivered %d · on the queue %d%s",
                environment.function().invocations(),
                environment.function().busy(),
                recorder.deliveredMessages(),
                environment.sqs().depth(environment.queues().url()).total(),
                job);
    }

    static ObjectNode toJson(
            ObjectMapper mapper, RunSummary summary, JobView job, boolean drained, long startupMs, int failedEvents) {
        ObjectNode node = mapper.createObjectNode();
        node.put("invocations", summary.invocations());
        node.put("subTasks", summary.subTasks());
        node.put("itemsProcessed", summary.itemsProcessed());
        node.put("failed", summary.failed());
        node.put("deadLettered", summary.deadLettered());
        node.put("coldStarts", summary.coldStarts());
        node.put("peakConcurrency", summary.peakConcurrency());
        node.put("elapsedMs", summary.elapsedMs());
        node.put("serialEstimateMs", summary.serialEstimateMs());
        node.put("speedup", summary.speedup());
        node.put("items", job.items(summary));
        node.put("itemsDeadLettered", summary.itemsDeadLettered());
        node.put("itemsNotStarted", job.notStarted());
        node.put("duplicatesSuppressed", summary.duplicatesSuppressed());
        node.put("reconciled", job.reconciled(summary));
        node.put("jobId", job.jobId());
        node.put("jobStatus", job.status());
        node.put("jobCompletedEvents", job.completedEvents());
        node.put("failedEvents", failedEvents);
        node.put("drained", drained);
        node.put("startupMs", startupMs);
        return node;
    }

    private static String text(RunSummary summary, JobView job, boolean drained, long startupMs) {
        return String.format(
                Locale.ROOT,
                """

                Run summary%s
                  invocations         %,d
                  sub-tasks delivered %,d
                  items processed     %,d
                  failed              %,d
                  dead-lettered       %,d
                  cold starts         %,d
                  peak concurrency    %,d
                  wall time           %,.2f s   (first invoke to last completion)
                  serial estimate     %,.2f s   (processing time measured, as if one invocation did it all)
                  speedup             %.2fx
                  start-up            %,.2f s   (JVM and SQS server, not in wall time)
                  reconciliation      %,d items = %,d processed + %,d dead-lettered + %,d not started: %s (%,d duplicates suppressed)
                  job                 %s %s, %d completion event%s
                """,
                drained ? "" : " (NOT DRAINED: timed out)",
                summary.invocations(),
                summary.subTasks(),
                summary.itemsProcessed(),
                summary.failed(),
                summary.deadLettered(),
                summary.coldStarts(),
                summary.peakConcurrency(),
                summary.elapsedMs() / 1000.0,
                summary.serialEstimateMs() / 1000.0,
                summary.speedup(),
                startupMs / 1000.0,
                job.items(summary),
                summary.itemsProcessed(),
                summary.itemsDeadLettered(),
                job.notStarted(),
                job.reconciled(summary) ? "holds" : "DOES NOT HOLD",
                summary.duplicatesSuppressed(),
                job.jobId(),
                job.status(),
                job.completedEvents(),
                job.completedEvents() == 1 ? "" : "s");
    }
}
