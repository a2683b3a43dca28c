package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.report.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A finished run's exit code and its one line, from what the run saw and what the function counted. */
class RunVerdictTest {

    private static final Instant T = Instant.parse("2026-11-26T12:00:00Z");
    private static final String FAILED_EVENTS = "http://127.0.0.1:9324/000000000000/load-splitter-failed-events";

    private static RunSummary summary(long items, long processed, int deadLetteredMessages, long itemsDeadLettered) {
        return new RunSummary(
                10, 9, processed, 0, deadLetteredMessages, 1, 5, 1_000, 5_000, 5.0, items, itemsDeadLettered, 0, 0, 0);
    }

    private static JobView job(long items, long processed, long deadLettered) {
        JobStatus status = processed + deadLettered < items
                ? JobStatus.IN_PROGRESS
                : deadLettered > 0 ? JobStatus.COMPLETED_WITH_FAILURES : JobStatus.COMPLETED;
        return new JobView(
                "job-1",
                Optional.of(new JobRecord(
                        "job-1",
                        "ec2-create-tags",
                        items,
                        processed,
                        deadLettered,
                        0,
                        0,
                        0,
                        T,
                        T,
                        status,
                        Optional.empty(),
                        status.isClosed() ? 1 : 0,
                        Optional.empty())),
                1);
    }

    private static RunVerdict verdict(RunSummary summary, JobView job, List<AsyncInvoker.FailedEvent> failedEvents) {
        return RunVerdict.of(new RunVerdict.Facts(
                true,
                null,
                summary,
                job,
                List.of(),
                Optional.empty(),
                failedEvents,
                FAILED_EVENTS,
                "load-splitter-dlq",
                3));
    }

    private static AsyncInvoker.FailedEvent timedOut() {
        return new AsyncInvoker.FailedEvent(new byte[0], "Task timed out after 1.00 seconds", 3);
    }

    @Test
    void everyItemProcessedIsExitZeroWithNothingToSay() {
        RunVerdict verdict = verdict(summary(100, 100, 0, 0), job(100, 100, 0), List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verdict.line()).isEmpty();
    }

    @Test
    void everyItemProcessedByAttemptsThatEachTimedOutIsExitZeroAndNamesTheFailedEventRecord() {
        RunVerdict verdict = verdict(summary(100, 100, 0, 0), job(100, 100, 0), List.of(timedOut()));

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verdict.line())
                .contains("every item was processed", "failed all 3 attempts", FAILED_EVENTS, "nothing left to do");
    }

    @Test
    void aDeadLetteredSplitWhosePartsWereAllQueuedIsExitZeroAndSaysSo() {
        RunVerdict verdict = verdict(summary(100, 100, 1, 0), job(100, 100, 0), List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verdict.line())
                .contains(
                        "every item was processed",
                        "1 split sub-task failed 3 receives, each after every part of it was queued",
                        "nothing left to do");
    }

    @Test
    void aFailedEventWithItemsLeftIsExitFourAndSaysHowToRedrive() {
        RunVerdict verdict = verdict(summary(100, 30, 0, 0), job(100, 30, 0), List.of(timedOut()));

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line())
                .contains("failed all 3 attempts", "dlq list --queue-url " + FAILED_EVENTS, "dlq redrive");
    }

    @Test
    void deadLetteredItemsAreExitFourAndCounted() {
        RunVerdict verdict = verdict(summary(200, 139, 61, 61), job(200, 139, 61), List.of());

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(verdict.line()).contains("61 items in 61 sub-tasks failed 3 receives", "load-splitter-dlq");
    }

    @Test
    void aRunThatDidNotDrainWhileMessagesWaitOutTheirVisibilityTimeoutNamesTheOptionsThatShortenIt() {
        RunVerdict verdict = RunVerdict.of(new RunVerdict.Facts(
                false,
                new RunVerdict.Waiting(0, 0, 1, 0, Duration.ofMinutes(6), Duration.ofMinutes(1)),
                summary(5, 4, 0, 0),
                job(5, 4, 0),
                List.of(),
                Optional.empty(),
                List.of(),
                FAILED_EVENTS,
                "load-splitter-dlq",
                5));

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(verdict.line())
                .contains("not drained after 1m", "1 in flight", "--visibility-timeout", "--function-timeout");
    }
}
