package dev.loadsplitter.cli;

import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.message.CloseReason;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.report.InvocationRecord;
import dev.loadsplitter.local.report.RunSummary;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished run came to: one exit code, and one line that says what went wrong and where to
 * look. When the function keeps a ledger, the job's status and counts decide: exit 0 only for a
 * {@code COMPLETED} job whose completion event is on the bus, 4 for a job that closed otherwise, 1
 * for one still open at {@code --timeout}; what the runtime saw from outside cross-checks it. Without
 * a ledger, the runtime's own count decides. Exit 0 only when every item was processed.
 *
 * @param exitCode {@link ExitCodes#OK}, {@link ExitCodes#FAILED} or {@link ExitCodes#ITEMS_FAILED}
 * @param line what to print on stderr; empty when all went well
 */
record RunVerdict(int exitCode, String line) {

    RunVerdict {
        Objects.requireNonNull(line, "line");
    }

    /**
     * What the run was, when it stopped.
     *
     * @param drained whether everything finished before --timeout
     * @param waiting what was left when it stopped, for a run that did not drain
     * @param failedEvents the events that failed every asynchronous attempt
     * @param failedEventsQueue where those went
     * @param failedEventsWaiting the records still in that queue when the run stopped: none once its consumer
     *     (our handler, FAILED_EVENTS_QUEUE_ARN) ran them again
     * @param publishes whether the function puts a completion event on a bus (EVENT_BUS_NAME set)
     */
    record Facts(
            boolean drained,
            Waiting waiting,
            RunSummary summary,
            JobView job,
            List<InvocationRecord> records,
            Optional<String> initError,
            List<AsyncInvoker.FailedEvent> failedEvents,
            String failedEventsQueue,
            int failedEventsWaiting,
            String dlq,
            int maxReceiveCount,
            boolean publishes) {}

    /**
     * What a run that did not drain was still waiting for.
     *
     * @param running invocations still running
     * @param visible messages on the work queue ready to be received
     * @param inFlight messages received and not yet deleted, or waiting out their visibility timeout
     * @param deadLetters messages in the dead-letter queue, not yet counted and parked
     * @param visibilityTimeout the work queue's visibility timeout
     * @param timeout how long the run waited
     */
    record Waiting(
            int running, int visible, int inFlight, int deadLetters, Duration visibilityTimeout, Duration timeout) {}

    static RunVerdict of(Facts facts) {
        Optional<JobRecord> record = facts.job().record();
        if (record.isPresent()) {
            return ofLedger(facts, record.get());
        }
        if (!facts.drained()) {
            return notDrained(facts.waiting(), "");
        }
        RunSummary summary = facts.summary();
        JobView job = facts.job();
        boolean everyItemProcessed =
                job.items(summary) > 0 && summary.itemsProcessed() == job.items(summary) && job.reconciled(summary);
        if (everyItemProcessed) {
            return processedDespite(facts, "");
        }
        if (summary.initErrors() > 0) {
            String error = facts.initError().orElse("");
            return failed("the function could not start (" + error + "). Check --function-jar and --handler.");
        }
        if (!facts.failedEvents().isEmpty()) {
            return failedEvent(facts, "");
        }
        if (summary.rejectedEvents() > 0) {
            return failed("the function rejected the event as invalid (400); the log line 'invalid event argument: …' "
                    + "above names the field. Fix the event file.");
        }
        // A dead-lettered message whose items were processed before its answer was lost is no failure.
        if (summary.itemsDeadLettered() > 0) {
            return failed(String.format(
                    Locale.ROOT,
                    "%,d item%s in %,d sub-task%s failed %d receive%s, went to "
                            + "the dead-letter queue and were parked in %s; the 'Error:' lines above say why. Keep the queues "
                            + "with 'load-splitter serve' to look with 'load-splitter dlq list' and retry with 'dlq redrive'.",
                    summary.itemsDeadLettered(),
                    summary.itemsDeadLettered() == 1 ? "" : "s",
                    summary.deadLettered(),
                    summary.deadLettered() == 1 ? "" : "s",
                    facts.maxReceiveCount(),
                    facts.maxReceiveCount() == 1 ? "" : "s",
                    facts.dlq()));
        }
        if (!job.reconciled(summary)) {
            return failed(String.format(
                    Locale.ROOT,
                    "only %,d of the job's %,d items are accounted for (%,d processed, "
                            + "%,d dead-lettered, %,d not started); the invocations above show where the rest went.",
                    summary.itemsProcessed() + summary.itemsDeadLettered() + job.notStarted(),
                    job.items(summary),
                    summary.itemsProcessed(),
                    summary.itemsDeadLettered(),
                    job.notStarted()));
        }
        return new RunVerdict(ExitCodes.OK, "");
    }

    /** The verdict of a run whose function keeps a ledger: the job's status and counts decide it. */
    private static RunVerdict ofLedger(Facts facts, JobRecord job) {
        JobView view = facts.job();
        String counts = counts(job);
        if (!job.status().isClosed() || (facts.publishes() && !view.closedAndPublished())) {
            if (facts.drained() && !facts.failedEvents().isEmpty()) {
                return failedEvent(facts, " Job " + job.jobId() + " is still open: " + counts + ".");
            }
            String what = job.status().isClosed()
                    ? "job " + job.jobId() + " closed (" + job.status() + ") but its completion event is not on the bus"
                    : "job " + job.jobId() + " is still open: " + counts;
            if (!facts.drained()) {
                return notDrained(facts.waiting(), "; " + what);
            }
            return new RunVerdict(
                    ExitCodes.FAILED,
                    String.format(
                            Locale.ROOT,
                            "load-splitter: nothing is left running after %s, but %s. The ledger's sweep closes a job "
                                    + "its closer left open and publishes what was not; 'load-splitter jobs show %s' "
                                    + "shows it, --job-deadline bounds how long it may stay open.",
                            DurationSetting.format(facts.waiting().timeout()),
                            what,
                            job.jobId()));
        }
        RunSummary summary = facts.summary();
        String crossCheck = join(
                view.reconciled(summary) ? "" : crossCheck(view, job),
                job.status() == dev.loadsplitter.engine.message.JobStatus.COMPLETED ? "" : failedEventNote(facts));
        return switch (job.status()) {
            case COMPLETED -> processedDespite(facts, crossCheck);
            case COMPLETED_WITH_FAILURES ->
                failed(
                        String.format(
                                Locale.ROOT,
                                "%,d of the job's %,d items failed %d receive%s, went to the dead-letter queue and "
                                        + "were parked in %s; the 'Error:' lines above say why, and "
                                        + "'load-splitter jobs results %s' names each. Keep the queues with "
                                        + "'load-splitter serve' to retry them with 'load-splitter dlq redrive'.",
                                job.deadLettered(),
                                job.items(),
                                facts.maxReceiveCount(),
                                facts.maxReceiveCount() == 1 ? "" : "s",
                                facts.dlq(),
                                job.jobId()),
                        crossCheck);
            case FAILED ->
                failed(
                        job.reason().orElse(CloseReason.ALL_DEAD_LETTERED) == CloseReason.TOLERANCE_EXCEEDED
                                ? String.format(
                                        Locale.ROOT,
                                        "job %s failed: more items failed than it tolerates "
                                                + "(--tolerated-failure-count or --tolerated-failure-percentage), so it "
                                                + "stopped: %s.",
                                        job.jobId(),
                                        counts)
                                : String.format(
                                        Locale.ROOT,
                                        "job %s failed: every one of its %,d items was dead-lettered, parked in %s; "
                                                + "the 'Error:' lines above say why.",
                                        job.jobId(),
                                        job.items(),
                                        facts.dlq()),
                        crossCheck);
            case CANCELLED ->
                failed(String.format(Locale.ROOT, "job %s was cancelled: %s.", job.jobId(), counts), crossCheck);
            case TIMED_OUT ->
                failed(
                        String.format(
                                Locale.ROOT,
                                "job %s was still open at its deadline (--job-deadline, JOB_DEADLINE) and timed "
                                        + "out; the items still open were counted as skipped: %s.",
                                job.jobId(),
                                counts),
                        crossCheck);
            case IN_PROGRESS -> throw new IllegalStateException("an open job passed as closed: " + job);
        };
    }

    private static String counts(JobRecord job) {
        return String.format(
                Locale.ROOT,
                "%,d of %,d items processed, %,d dead-lettered, %,d skipped",
                job.processed(),
                job.items(),
                job.deadLettered(),
                job.skipped());
    }

    /** What to say when the runtime's own view of the items disagrees with the ledger's. */
    private static String crossCheck(JobView view, JobRecord job) {
        JobView.Check check = view.check().orElseThrow();
        return String.format(
                Locale.ROOT,
                "load-splitter: warning: the ledger counts %,d items processed and marks %,d done, of which the "
                        + "runtime saw %,d done (from %s); the counts do not reconcile.",
                job.processed(),
                check.doneMarks(),
                check.doneMarksSeen(),
                check.fromWorkLines() ? "the work's own log lines" : "the invocations' answers");
    }

    /**
     * Every item was processed: exit 0, saying so when failures along the way were made good.
     *
     * @param crossCheck a warning to add, or empty
     */
    private static RunVerdict processedDespite(Facts facts, String crossCheck) {
        RunSummary summary = facts.summary();
        String line = "";
        if (!facts.failedEvents().isEmpty()) {
            // Each attempt queued what it reached before it failed, and together they did it all.
            AsyncInvoker.FailedEvent first = facts.failedEvents().getFirst();
            line = facts.failedEventsWaiting() == 0
                    ? String.format(
                            Locale.ROOT,
                            "load-splitter: every item was processed, "
                                    + "though the event's own invocation failed all %d attempts (last error: %s); the "
                                    + "consumer of %s ran it again and finished what its attempts left.",
                            first.attempts(),
                            first.lastError(),
                            facts.failedEventsQueue())
                    : String.format(
                            Locale.ROOT,
                            "load-splitter: every item was processed, "
                                    + "though the event's own invocation failed all %d attempts (last error: %s) and its "
                                    + "record is in %s; redriving it would find nothing left to do.",
                            first.attempts(),
                            first.lastError(),
                            facts.failedEventsQueue());
        } else if (summary.deadLettered() > 0) {
            line = String.format(
                    Locale.ROOT,
                    "load-splitter: every item was processed, "
                            + "though %d split sub-task%s failed %d receives, each after every part of it was queued; "
                            + "parked in %s, redriving would find nothing left to do.",
                    summary.deadLettered(),
                    summary.deadLettered() == 1 ? "" : "s",
                    facts.maxReceiveCount(),
                    facts.dlq());
        }
        // Failures along the way (an init that took too long, a lost answer) were retried and made good.
        return new RunVerdict(ExitCodes.OK, join(line, crossCheck));
    }

    private static String join(String first, String second) {
        return first.isEmpty() ? second : second.isEmpty() ? first : first + System.lineSeparator() + second;
    }

    private static RunVerdict failed(String what, String crossCheck) {
        return new RunVerdict(ExitCodes.ITEMS_FAILED, join("load-splitter: run finished, but " + what, crossCheck));
    }

    /**
     * For a job that closed otherwise than COMPLETED: its event's own failures, when it had any, and
     * whether the failed-events queue's consumer ran it again or it still waits there.
     */
    private static String failedEventNote(Facts facts) {
        if (facts.failedEvents().isEmpty()) {
            return "";
        }
        AsyncInvoker.FailedEvent first = facts.failedEvents().getFirst();
        return String.format(
                Locale.ROOT,
                "load-splitter: the event failed all %d attempts and was sent to %s (last error: %s); %s",
                first.attempts(),
                facts.failedEventsQueue(),
                first.lastError(),
                facts.failedEventsWaiting() == 0
                        ? "its consumer ran it again, and the job closed as above."
                        : "it is still there: look with 'load-splitter dlq list --queue-url "
                                + facts.failedEventsQueue() + "' and retry with 'dlq redrive'.");
    }

    private static RunVerdict failedEvent(Facts facts, String more) {
        AsyncInvoker.FailedEvent first = facts.failedEvents().getFirst();
        return failed(String.format(
                Locale.ROOT,
                "the event failed all %d attempts and was sent to %s (last "
                        + "error: %s). Keep the queues with 'load-splitter serve', then look with 'load-splitter dlq list "
                        + "--queue-url %s' and retry with 'dlq redrive'.%s",
                first.attempts(),
                facts.failedEventsQueue(),
                first.lastError(),
                facts.failedEventsQueue(),
                more));
    }

    private static RunVerdict failed(String what) {
        return new RunVerdict(ExitCodes.ITEMS_FAILED, "load-splitter: run finished, but " + what);
    }

    private static RunVerdict notDrained(Waiting waiting, String job) {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "load-splitter: not drained after %s: %d invocation%s running, %d message%s on the queue, %d in flight, "
                        + "%d in the dead-letter queue%s",
                DurationSetting.format(waiting.timeout()),
                waiting.running(),
                waiting.running() == 1 ? "" : "s",
                waiting.visible(),
                waiting.visible() == 1 ? "" : "s",
                waiting.inFlight(),
                waiting.deadLetters(),
                job));
        if ((waiting.inFlight() > 0 || waiting.deadLetters() > 0)
                        && waiting.visibilityTimeout().compareTo(waiting.timeout()) >= 0
                || (waiting.inFlight() > 0 || waiting.deadLetters() > 0) && waiting.running() == 0) {
            line.append(String.format(
                    Locale.ROOT,
                    ". Messages that failed wait out the visibility timeout (%s) "
                            + "before they come back; shorten it with --visibility-timeout, or with --function-timeout "
                            + "(it is 6 x the function timeout by default), or raise --timeout.",
                    DurationSetting.format(waiting.visibilityTimeout())));
        } else {
            line.append(". Raise --timeout, or look at the queue with 'load-splitter serve'.");
        }
        return new RunVerdict(ExitCodes.FAILED, line.toString());
    }
}
