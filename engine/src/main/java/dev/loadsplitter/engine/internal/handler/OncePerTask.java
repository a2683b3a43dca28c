package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.TaskId;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task under its processing record, so a second delivery of a sub-task that was done is
 * acknowledged without doing it again, and counts what it did into its job, once. An original task
 * (no task id) runs every time it arrives, and its job counts its first run.
 */
final class OncePerTask {

    private static final Logger log = LoggerFactory.getLogger(OncePerTask.class);

    private final ProcessingRecords records;
    private final JobCompletion completion;
    private final Clock clock;

    OncePerTask(ProcessingRecords records, JobCompletion completion, Clock clock) {
        this.records = Objects.requireNonNull(records, "records");
        this.completion = Objects.requireNonNull(completion, "completion");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The work of one task. */
    @FunctionalInterface
    interface Work {
        TaskRunner.Result run() throws Exception;
    }

    /**
     * @param where the task, for log lines
     * @return what the work did, or empty when it had been done already
     * @throws TaskBusyException while another invocation holds the task
     */
    Optional<TaskRunner.Result> run(Lineage lineage, Invocation invocation, String where, Work work) throws Exception {
        Optional<TaskId> taskId = lineage.taskId();
        if (taskId.isEmpty()) {
            TaskRunner.Result result = work.run();
            completion.afterCount(records.rootDone(lineage.jobId(), result.done(), clock.instant()));
            return Optional.of(result);
        }
        TaskId id = taskId.get();
        int attempt = 0;
        switch (records.claim(id, clock.instant(), invocation.remainingTime())) {
            case ProcessingRecords.Claim.AlreadyDone done -> {
                log.info(
                        "{}: duplicate of a sub-task done at {}; acknowledged without processing it again",
                        where,
                        done.doneAt());
                completion.retryPending(lineage.jobId());
                return Optional.empty();
            }
            case ProcessingRecords.Claim.HeldElsewhere held ->
                throw new TaskBusyException("sub-task " + id
                        + " is held by another invocation until " + held.leaseEnds()
                        + "; it comes back after the visibility timeout");
            case ProcessingRecords.Claim.Claimed claimed -> {
                // Ours until the lease ends.
                attempt = claimed.attempt();
            }
        }
        TaskRunner.Result result;
        try {
            result = work.run();
        } catch (Exception e) {
            records.markFailed(id, String.valueOf(e.getMessage()), clock.instant());
            throw new AttemptFailed(attempt, e);
        }
        completion.afterCount(records.markDone(id, result.done(), clock.instant()));
        return Optional.of(result);
    }

    /** The work failed at the processing record's {@code attempt}-th attempt at the task. */
    static final class AttemptFailed extends Exception {

        private final int attempt;
        private final Exception failure;

        AttemptFailed(int attempt, Exception failure) {
            super(failure.getMessage(), failure, false, false);
            this.attempt = attempt;
            this.failure = failure;
        }

        int attempt() {
            return attempt;
        }

        Exception failure() {
            return failure;
        }
    }
}
