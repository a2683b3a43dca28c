package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.message.CloseReason;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.report.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A finished run's exit code and its one line: from the job's ledger when there is one, else from what the run saw. */
class RunVerdictTest {

    private static final Instant T = Instant.parse("2026-11-26T12:00:00Z");
    private static final String FAILED_EVENTS = "http://127.0.0.1:9324/000000000000/load-splitter-failed-events";
    private static final RunVerdict.Waiting DRAINED =
            new RunVerdict.Waiting(0, 0, 0, 0, Duration.ofSeconds(30), Duration.ofMinutes(10));

    private static RunSummary summary(long items, long processed, int deadLetteredMessages, long itemsDeadLettered) {
        return new RunSummary(
                10, 9, processed, 0, deadLetteredMessages, 1, 5, 1_000, 5_000, 5.0, items, itemsDeadLettered, 0, 0, 0);
    }

    private static JobRecord record(
            long items, long processed, long deadLettered, long skipped, JobStatus status, CloseReason reason) {
        return new JobRecord(
                "job-1",
                "ec2-create-tags",
                items,
                processed,
                deadLettered,
                skipped,
                0,
                0,
                T,
                T,
                status,
                Optional.ofNullable(reason),
                status.isClosed() ? 1 : 0,
                status.isClosed() ? Optional.of(T) : Optional.empty());
    }

    /** A job the ledger keeps, with its close's event on the bus when closed, and the runtime saw every DONE item. */
    private static JobView ledgerJob(JobRecord record) {
        List<JsonNode> events = record.status().isClosed() ? List.of(record.toJson()) : List.of();
        return new JobView(
                record.jobId(),
                Optional.of(record),
                events,
                Optional.of(new JobView.Check(record.processed(), record.processed(), true)));
    }

    /** A run whose function keeps no ledger (IDEMPOTENCY=off, a function of its own). */
    private static JobView noLedger() {
        return new JobView("job-1", Optional.empty(), List.of(), Optional.empty());
    }

    private static RunVerdict verdict(RunSummary summary, JobView job, List<AsyncInvoker.FailedEvent> failedEvents) {
        return verdict(true, DRAINED, summary, job, failedEvents);
    }

    private static RunVerdict verdict(
            boolean drained,
            RunVerdict.Waiting waiting,
            RunSummary summary,
            JobView job,
            List<AsyncInvoker.FailedEvent> failedEvents) {
        return verdict(drained, waiting, summary, job, failedEvents, failedEvents.size());
    }

    private static RunVerdict verdict(
            boolean drained,
            RunVerdict.Waiting waiting,
            RunSummary summary,
            JobView job,
            List<AsyncInvoker.FailedEvent> failedEvents,
            int failedEventsWaiting) {
        return RunVerdict.of(new RunVerdict.Facts(
                drained,
                waiting,
                summary,
                job,
                List.of(),
                Optional.empty(),
                failedEvents,
                FAILED_EVENTS,
                failedEventsWaiting,
                "load-splitter-dlq",
                3,
                true));
    }

    private static AsyncInvoker.FailedEvent timedOut() {
        return new AsyncInvoker.FailedEvent(new byte[0], "Task timed out after 1.00 seconds", 3);
    }

    @Test
    void aCompletedJobWithItsEventPublishedIsExitZeroWithNothingToSay() {
        RunVerdict verdict = verdict(
                summary(100, 100, 0, 0),
                ledgerJob(record(100, 100, 0, 0, JobStatus.COMPLETED, CloseReason.ALL_PROCESSED)),
                List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verdict.line()).isEmpty();
    }

    @Test
    void theLedgerDecidesNotTheRuntimesCount() {
        // The runtime lost sight of items (answers lost), but the ledger counts them all done.
        RunVerdict verdict = verdict(
                summary(100, 60, 0, 0),
                ledgerJob(record(100, 100, 0, 0, JobStatus.COMPLETED, CloseReason.ALL_PROCESSED)),
                List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void aCompletedJobWhoseEventIsNotOnTheBusIsExitOne() {
        JobRecord record = record(100, 100, 0, 0, JobStatus.COMPLETED, CloseReason.ALL_PROCESSED);
        JobView unpublished =
                new JobView("job-1", Optional.of(record), List.of(), Optional.of(new JobView.Check(100, 100, true)));

        RunVerdict verdict = verdict(summary(100, 100, 0, 0), unpublished, List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(verdict.line()).contains("completion event is not on the bus", "jobs show job-1");
    }

    @Test
    void anEventOfAnEarlierCloseDoesNotAnnounceTheLaterOne() {
        JobRecord first = record(100, 90, 10, 0, JobStatus.COMPLETED_WITH_FAILURES, CloseReason.DEAD_LETTERED);
        JobRecord second = new JobRecord(
                "job-1",
                "ec2-create-tags",
                100,
                100,
                0,
                0,
                0,
                0,
                T,
                T,
                JobStatus.COMPLETED,
                Optional.of(CloseReason.ALL_PROCESSED),
                2,
                Optional.of(T));
        JobView view = new JobView(
                "job-1", Optional.of(second), List.of(first.toJson()), Optional.of(new JobView.Check(100, 100, true)));

        assertThat(view.closedAndPublished()).isFalse();
        assertThat(verdict(summary(100, 100, 0, 0), view, List.of()).exitCode()).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void aJobStillOpenWhenNothingIsLeftRunningIsExitOneAndSaysWhereToLook() {
        RunVerdict verdict = verdict(
                summary(100, 40, 0, 0), ledgerJob(record(100, 40, 0, 0, JobStatus.IN_PROGRESS, null)), List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(verdict.line()).contains("job job-1 is still open: 40 of 100 items processed", "--job-deadline");
    }

    @Test
    void aJobStillOpenWhenTheRunDidNotDrainSaysBoth() {
        RunVerdict verdict = verdict(
                false,
                new RunVerdict.Waiting(2, 5, 1, 0, Duration.ofSeconds(30), Duration.ofMinutes(1)),
                summary(100, 40, 0, 0),
                ledgerJob(record(100, 40, 0, 0, JobStatus.IN_PROGRESS, null)),
                List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(verdict.line()).contains("not drained after 1m", "2 invocations running", "job job-1 is still open");
    }

    @Test
    void aJobWithDeadLetteredItemsIsExitFourAndCountsThemFromTheLedger() {
        RunVerdict verdict = verdict(
                summary(200, 139, 61, 61),
                ledgerJob(record(200, 139, 61, 0, JobStatus.COMPLETED_WITH_FAILURES, CloseReason.DEAD_LETTERED)),
                List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line()).contains("61 of the job's 200 items failed 3 receives", "jobs results job-1");
    }

    @Test
    void aJobStoppedByItsToleranceIsExitFourAndNamesTheOptions() {
        RunVerdict verdict = verdict(
                summary(200, 20, 1, 1),
                ledgerJob(record(200, 20, 1, 179, JobStatus.FAILED, CloseReason.TOLERANCE_EXCEEDED)),
                List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line()).contains("--tolerated-failure-count", "179 skipped");
    }

    @Test
    void aCancelledJobIsExitFour() {
        RunVerdict verdict = verdict(
                summary(200, 20, 0, 0),
                ledgerJob(record(200, 20, 0, 180, JobStatus.CANCELLED, CloseReason.CANCELLED)),
                List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line()).contains("was cancelled", "180 skipped");
    }

    @Test
    void aTimedOutJobIsExitFourAndNamesTheDeadline() {
        RunVerdict verdict = verdict(
                summary(200, 20, 0, 0),
                ledgerJob(record(200, 20, 0, 180, JobStatus.TIMED_OUT, CloseReason.TIMED_OUT)),
                List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line()).contains("--job-deadline", "180 skipped");
    }

    @Test
    void aLedgerTheRuntimeCannotConfirmKeepsItsExitCodeAndWarns() {
        JobRecord record = record(100, 100, 0, 0, JobStatus.COMPLETED, CloseReason.ALL_PROCESSED);
        JobView view = new JobView(
                "job-1", Optional.of(record), List.of(record.toJson()), Optional.of(new JobView.Check(100, 97, true)));

        RunVerdict verdict = verdict(summary(100, 97, 0, 0), view, List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verdict.line()).contains("warning", "97 done", "do not reconcile");
    }

    @Test
    void anOpenJobWhoseEventFailedEveryAttemptIsExitFourAndSaysHowToRedrive() {
        RunVerdict verdict = verdict(
                summary(100, 30, 0, 0),
                ledgerJob(record(100, 30, 0, 0, JobStatus.IN_PROGRESS, null)),
                List.of(timedOut()));

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line())
                .contains("failed all 3 attempts", "dlq list --queue-url " + FAILED_EVENTS, "still open");
    }

    @Test
    void everyItemProcessedByAttemptsThatEachTimedOutIsExitZeroAndNamesTheFailedEventRecord() {
        RunVerdict verdict = verdict(
                summary(100, 100, 0, 0),
                ledgerJob(record(100, 100, 0, 0, JobStatus.COMPLETED, CloseReason.ALL_PROCESSED)),
                List.of(timedOut()));

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verdict.line())
                .contains("every item was processed", "failed all 3 attempts", FAILED_EVENTS, "nothing left to do");
    }

    @Test
    void aFailedEventItsConsumerFinishedIsExitZeroAndSaysSo() {
        RunVerdict verdict = verdict(
                true,
                DRAINED,
                summary(100, 100, 0, 0),
                ledgerJob(record(100, 100, 0, 0, JobStatus.COMPLETED, CloseReason.ALL_PROCESSED)),
                List.of(timedOut()),
                0);

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verdict.line())
                .contains(
                        "failed all 3 attempts", "the consumer of " + FAILED_EVENTS, "finished what its attempts left")
                .doesNotContain("redrive");
    }

    @Test
    void aJobThatFailedAfterItsFailedEventWasRunAgainIsExitFourAndSaysBoth() {
        RunVerdict verdict = verdict(
                true,
                DRAINED,
                summary(5, 0, 5, 5),
                ledgerJob(record(5, 0, 5, 0, JobStatus.FAILED, CloseReason.ALL_DEAD_LETTERED)),
                List.of(timedOut()),
                0);

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line())
                .contains("every one of its 5 items was dead-lettered", "the event failed all 3 attempts")
                .contains("its consumer ran it again");
    }

    @Test
    void withoutALedgerEveryItemProcessedIsExitZero() {
        assertThat(verdict(summary(100, 100, 0, 0), noLedger(), List.of()).exitCode())
                .isEqualTo(ExitCodes.OK);
    }

    @Test
    void withoutALedgerADeadLetteredSplitWhosePartsWereAllQueuedIsExitZeroAndSaysSo() {
        RunVerdict verdict = verdict(summary(100, 100, 1, 0), noLedger(), List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verdict.line())
                .contains(
                        "every item was processed",
                        "1 split sub-task failed 3 receives, each after every part of it was queued",
                        "nothing left to do");
    }

    @Test
    void withoutALedgerAFailedEventWithItemsLeftIsExitFourAndSaysHowToRedrive() {
        RunVerdict verdict = verdict(summary(100, 30, 0, 0), noLedger(), List.of(timedOut()));

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line())
                .contains("failed all 3 attempts", "dlq list --queue-url " + FAILED_EVENTS, "dlq redrive");
    }

    @Test
    void withoutALedgerDeadLetteredItemsAreExitFourAndCounted() {
        RunVerdict verdict = verdict(summary(200, 139, 61, 61), noLedger(), List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line()).contains("61 items in 61 sub-tasks failed 3 receives", "load-splitter-dlq");
    }

    @Test
    void aRunThatDidNotDrainWhileMessagesWaitOutTheirVisibilityTimeoutNamesTheOptionsThatShortenIt() {
        RunVerdict verdict = verdict(
                false,
                new RunVerdict.Waiting(0, 0, 1, 0, Duration.ofMinutes(6), Duration.ofMinutes(1)),
                summary(5, 4, 0, 0),
                noLedger(),
                List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(verdict.line())
                .contains("not drained after 1m", "1 in flight", "--visibility-timeout", "--function-timeout");
    }
}
