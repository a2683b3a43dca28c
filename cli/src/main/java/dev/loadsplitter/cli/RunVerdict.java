package dev.loadsplitter.cli;

import dev.loadsplitter.engine.config.DurationSetting;
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
 * look. Exit 0 only when every item was processed.
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
            String dlq,
            int maxReceiveCount) {}

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
        if (!facts.drained()) {
            return notDrained(facts.waiting());
        }
        RunSummary summary = facts.summary();
        JobView job = facts.job();
        boolean everyItemProcessed =
                job.items(summary) > 0 && summary.itemsProcessed() == job.items(summary) && job.reconciled(summary);
        if (everyItemProcessed && !facts.failedEvents().isEmpty()) {
            // Each attempt queued what it reached before it failed, and together they did it all.
            AsyncInvoker.FailedEvent first = facts.failedEvents().getFirst();
            return new RunVerdict(
                    ExitCodes.OK,
                    String.format(
                            Locale.ROOT,
                            "load-splitter: every item was processed, "
                                    + "though the event's own invocation failed all %d attempts (last error: %s) and its record is in "
                                    + "%s; redriving it would find nothing left to do.",
                            first.attempts(),
                            first.lastError(),
                            facts.failedEventsQueue()));
        }
        if (everyItemProcessed && summary.deadLettered() > 0) {
            return new RunVerdict(
                    ExitCodes.OK,
                    String.format(
                            Locale.ROOT,
                            "load-splitter: every item was processed, "
                                    + "though %d split sub-task%s failed %d receives, each after every part of it was queued; parked in %s, "
                                    + "redriving would find nothing left to do.",
                            summary.deadLettered(),
                            summary.deadLettered() == 1 ? "" : "s",
                            facts.maxReceiveCount(),
                            facts.dlq()));
        }
        if (everyItemProcessed) {
            // Failures along the way (an init that took too long, a lost answer) were retried and made good.
            return new RunVerdict(ExitCodes.OK, "");
        }
        if (summary.initErrors() > 0) {
            String error = facts.initError().orElse("");
            return failed("the function could not start (" + error + "). Check --function-jar and --handler.");
        }
        if (!facts.failedEvents().isEmpty()) {
            AsyncInvoker.FailedEvent first = facts.failedEvents().getFirst();
            return failed(String.format(
                    Locale.ROOT,
                    "the event failed all %d attempts and was sent to %s (last "
                            + "error: %s). Keep the queues with 'load-splitter serve', then look with 'load-splitter dlq list "
                            + "--queue-url %s' and retry with 'dlq redrive'.",
                    first.attempts(),
                    facts.failedEventsQueue(),
                    first.lastError(),
                    facts.failedEventsQueue()));
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

    private static RunVerdict failed(String what) {
        return new RunVerdict(ExitCodes.ITEMS_FAILED, "load-splitter: run finished, but " + what);
    }

    private static RunVerdict notDrained(Waiting waiting) {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "load-splitter: not drained after %s: %d invocation%s running, %d message%s on the queue, %d in flight, "
                        + "%d in the dead-letter queue",
                DurationSetting.format(waiting.timeout()),
                waiting.running(),
                waiting.running() == 1 ? "" : "s",
                waiting.visible(),
                waiting.visible() == 1 ? "" : "s",
                waiting.inFlight(),
                waiting.deadLetters()));
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
