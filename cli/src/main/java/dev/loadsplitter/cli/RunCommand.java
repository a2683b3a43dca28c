package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.config.Settings;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.JobCompletedEvent;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.fault.FaultBroker;
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
import java.util.Optional;
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
            "0:every item was processed: the job closed COMPLETED and its event was published",
            "1:not drained, or the job not closed and published, before --timeout",
            "2:the command line, the event file or a setting was wrong",
            "3:the JVM heap filled up; rerun with a bigger -Xmx",
            "4:the run finished, but the job closed COMPLETED_WITH_FAILURES, FAILED, CANCELLED or TIMED_OUT, the "
                    + "event was rejected (400) or went to the failed-events queue, or the function could not start"
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
            names = "--results",
            paramLabel = "FILE",
            description = "When the run ends, write what became of each item to FILE as JSON Lines, in item order, as "
                    + "'load-splitter jobs results' prints them: {\"index\":0,\"result\":…}, "
                    + "{\"index\":7,\"error\":{…}}, {\"index\":9,\"skipped\":true}.")
    Path results;

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
        TerminalStatus status = TerminalStatus.onTerminal(err);
        InvocationLog log = new InvocationLog(status.stream(), settings.memoryMb(), function.logFormat());
        RunRecorder recorder = new RunRecorder(
                mapper, function.maxItemsPerTask, function.recordConcurrency(), settings.dlqName(), log::ended);
        InvocationListener listener = InvocationListener.all(List.of(
                new InvocationListener() {
                    @Override
                    public void started(Started started) {
                        log.started(started);
                    }
                },
                recorder));
        // A run whose heap is full ends at once: an orderly stop needs memory the heap no longer has
        // (closing the server and the containers hit OutOfMemoryError, and ElasticMQ's actor system
        // or the CRT client's native code then ended the JVM with 255 or 134), and a run's queues
        // are in memory, so there is nothing to save.
        HeapGuard heapGuard = HeapGuard.watch(HeapGuard.DEFAULT_THRESHOLD, HeapGuard.DEFAULT_STRIKES, message -> {
            try {
                err.println(heapAdvice("stopping", message, "run"));
                err.flush();
            } finally {
                Runtime.getRuntime().halt(ExitCodes.HEAP_FULL);
            }
        });
        // A function in this JVM (--isolation none) writes its log to stdout, not through frames: its
        // lines reach the recorder through a tee. Lines seen twice are harmless, items are a set.
        try (heapGuard;
                AutoCloseable functionStdout = LineTee.onStdout(recorder::functionLine);
                LocalEnvironment environment = LocalEnvironment.start(settings, listener, (requestId, at, message) -> {
                    recorder.functionLine(message);
                    log.event(requestId, at, message);
                })) {
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
            Instant end = Instant.now().plus(timeout);
            boolean drained = environment.awaitDrained(timeout);
            boolean publishes = !settings.environment()
                    .getOrDefault(Settings.EVENT_BUS_NAME.name(), "default")
                    .isEmpty();
            if (drained) {
                awaitJob(environment, jobId, end, publishes);
                // Closing may have taken a redelivery or a sweep: what it started has ended too.
                drained = environment.awaitDrained(Duration.ofSeconds(2));
            }
            status.stop();
            RunSummary summary = recorder.summary(
                    environment.function().coldStarts(),
                    environment.function().peakConcurrency(),
                    environment.deadLetters());
            JobView job = JobView.of(environment, jobId, recorder.itemsSeen());
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
            if (results != null) {
                writeResults(environment, jobId, job, err);
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
                if (!settings.faults().calls().isNone() || settings.faults().invokeThrottleRate() > 0) {
                    node.set(
                            "faultsInside",
                            faultsInside(mapper, environment.function().faultCounts()));
                }
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
                    environment.sqs().depth(environment.failedEventsUrl()).total(),
                    environment.parkedUrl(),
                    settings.maxReceiveCount(),
                    publishes));
            if (!verdict.line().isEmpty()) {
                PrintWriter messages = spec.commandLine().getErr();
                messages.println(verdict.line());
                messages.flush();
            }
            return verdict.exitCode();
        }
    }

    /** Writes the job's item results to {@code --results}, or says why there are none. */
    private void writeResults(LocalEnvironment environment, String jobId, JobView job, PrintStream err)
            throws java.io.IOException {
        if (job.record().isEmpty()) {
            err.println(
                    "load-splitter: no results to write to " + results + ": the function kept no job record (results "
                            + "live in the job ledger, which needs IDEMPOTENCY=dynamodb, the local runtime's default; a "
                            + "function of your own keeps none).");
            return;
        }
        long[] lines = {0};
        boolean closed;
        try (java.io.BufferedWriter writer = Files.newBufferedWriter(results, StandardCharsets.UTF_8)) {
            java.io.UncheckedIOException[] failure = {null};
            closed = environment.jobs().results(jobId, result -> {
                if (failure[0] != null) {
                    return;
                }
                try {
                    writer.write(result.toJson().toString());
                    writer.newLine();
                    lines[0]++;
                } catch (java.io.IOException e) {
                    failure[0] = new java.io.UncheckedIOException(e);
                }
            });
            if (failure[0] != null) {
                throw failure[0].getCause();
            }
        }
        err.printf(
                Locale.ROOT,
                "load-splitter: %,d result line%s written to %s%s%n",
                lines[0],
                lines[0] == 1 ? "" : "s",
                results.toAbsolutePath(),
                closed ? "" : " (the job is still open: the items finished so far)");
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

    /**
     * Waits, until {@code end}, for the job to close and the event of its close to be on the bus:
     * a close left undone by a crash is done by a redelivery or the ledger's sweep. Stops early when
     * nothing is left running and nothing but the job's deadline could close it before {@code end}.
     */
    private static void awaitJob(LocalEnvironment environment, String jobId, Instant end, boolean publishes)
            throws InterruptedException {
        Duration deadline = DurationSetting.read(
                Settings.JOB_DEADLINE, environment.settings().environment());
        while (Instant.now().isBefore(end)) {
            Optional<JobRecord> record = environment.jobs().show(jobId);
            if (record.isEmpty()) {
                // No ledger (IDEMPOTENCY=off, a function of its own), or the event was refused: the drain decides.
                return;
            }
            JobRecord job = record.get();
            boolean closed = job.status().isClosed();
            if (closed && (!publishes || published(environment, jobId, job.close()))) {
                return;
            }
            boolean idle = environment.isDrained();
            boolean deadlineBeforeEnd = job.firstActivity().plus(deadline).isBefore(end);
            if (idle
                    && !closed
                    && !deadlineBeforeEnd
                    && !environment.async().failedEvents().isEmpty()) {
                // The event failed every attempt and nothing is left running (the failed-events queue's consumer, when
                // it has one, is done with it too): only a redrive or the deadline's sweep will close the job.
                return;
            }
            Thread.sleep(50);
        }
    }

    private static boolean published(LocalEnvironment environment, String jobId, int close) {
        return environment.aws().eventBridge().events().stream()
                .anyMatch(event -> event.detailType().equals(JobCompletedEvent.DETAIL_TYPE)
                        && jobId.equals(event.detail().path("jobId").asText())
                        && event.detail().path("close").asInt() >= close);
    }

    /** The live line: the runtime's counts, and the job's progress as the function counts it. */
    private String progress(LocalEnvironment environment, RunRecorder recorder, String jobId) {
        String job = environment
                .jobs()
                .show(jobId)
                .map(record -> String.format(
                        Locale.ROOT,
                        " · job %s %,d/%,d processed, %,d dead-lettered, %,d skipped",
                        record.status(),
                        record.processed(),
                        record.items(),
                        record.deadLettered(),
                        record.skipped()))
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

    /** What the faults inside the function did: how many calls were attributed to an invocation, and each fault. */
    static ObjectNode faultsInside(ObjectMapper mapper, FaultBroker.Counts counts) {
        return mapper.createObjectNode()
                .put("attributedCalls", counts.attributedCalls())
                .put("unattributedCalls", counts.unattributedCalls())
                .put("crashesInside", counts.crashesInside())
                .put("refusedCalls", counts.refusedCalls())
                .put("lostAnswers", counts.lostAnswers())
                .put("dynamoDbConflicts", counts.conflicts())
                .put("dynamoDbThrottles", counts.throttles())
                .put("throttledInvocations", counts.throttledInvocations());
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
        node.set("job", job.toJson().<JsonNode>map(record -> record).orElse(NullNode.getInstance()));
        node.put("failedEvents", failedEvents);
        node.put("drained", drained);
        node.put("startupMs", startupMs);
        return node;
    }

    /** The reconciliation line: the ledger's processed items against what the runtime saw done, or the runtime's sum. */
    private static String reconciliation(RunSummary summary, JobView job) {
        String verdict = job.reconciled(summary) ? "holds" : "DOES NOT HOLD";
        if (job.record().isPresent() && job.check().isPresent()) {
            JobView.Check check = job.check().get();
            return String.format(
                    Locale.ROOT,
                    "%,d processed in the ledger, %,d marked done, %,d of them seen done by the runtime (%s): %s",
                    job.record().get().processed(),
                    check.doneMarks(),
                    check.doneMarksSeen(),
                    check.fromWorkLines() ? "the work's lines" : "the answers",
                    verdict);
        }
        return String.format(
                Locale.ROOT,
                "%,d items = %,d processed + %,d dead-lettered + %,d not started: %s",
                job.items(summary),
                summary.itemsProcessed(),
                summary.itemsDeadLettered(),
                job.notStarted(),
                verdict);
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
                  reconciliation      %s (%,d duplicates suppressed)
                  job                 %s %s%s, %d completion event%s
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
                reconciliation(summary, job),
                summary.duplicatesSuppressed(),
                job.jobId(),
                job.status(),
                job.record()
                        .map(record -> String.format(
                                Locale.ROOT,
                                " (%,d of %,d processed, %,d dead-lettered, %,d skipped%s)",
                                record.processed(),
                                record.items(),
                                record.deadLettered(),
                                record.skipped(),
                                record.close() > 1 ? ", close " + record.close() : ""))
                        .orElse(""),
                job.completedEvents(),
                job.completedEvents() == 1 ? "" : "s");
    }
}
