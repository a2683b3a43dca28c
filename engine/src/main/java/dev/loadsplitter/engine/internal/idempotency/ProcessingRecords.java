package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The bookkeeping of every job: one processing record per sub-task (job id + part id), so a
 * sub-task delivered twice, as SQS and Lambda may do, is processed once; and one job record per
 * job, counted into as its sub-tasks finish, so the job knows when it is done.
 *
 * <p>A processing record is {@code IN_PROGRESS} under a lease while an invocation works on it,
 * {@code DONE} once it succeeded, {@code FAILED} when an attempt failed (and may be claimed again
 * at once), {@code DEAD_LETTERED} when its last receive failed (claimable again, should it be
 * redriven). A lease left behind by a crashed or timed-out invocation expires, and the sub-task
 * becomes claimable again. A sub-task is counted into its job only by the call that moves its
 * record to {@code DONE} or {@code DEAD_LETTERED}, atomically with that move, so duplicates never
 * count twice. Every record expires after a time-to-live longer than the queue's visibility timeout.
 */
public interface ProcessingRecords {

    /**
     * Makes one cheap read so the store's client has loaded its classes and opened its connection
     * before the first invocation, whose time is counted against the function timeout; called
     * during the function's init. "Priming" in
     * https://docs.aws.amazon.com/lambda/latest/dg/snapstart-best-practices.html
     */
    default void warmUp() {}

    /**
     * Tries to take {@code taskId} for processing until {@code now + lease}.
     *
     * @return {@link Claim.Claimed} to go ahead, {@link Claim.AlreadyDone} for a duplicate of a
     *         finished sub-task, or {@link Claim.HeldElsewhere} while another invocation holds it
     */
    Claim claim(TaskId taskId, Instant now, Duration lease);

    /**
     * Records that {@code taskId} was done and counts it into its job, once.
     *
     * @return the job record after counting, when this call counted it; empty for a duplicate
     */
    Optional<JobRecord> markDone(TaskId taskId, Done done, Instant now);

    /** Records that an attempt at {@code taskId} failed, so the next delivery may claim it at once. */
    void markFailed(TaskId taskId, String error, Instant now);

    /**
     * Records that a split of {@code taskId} has queued sub-tasks covering its first
     * {@code itemsQueued} items, keeping the most any attempt reached: those items are counted where
     * the sub-tasks end, not here, should this sub-task be dead-lettered.
     */
    void markQueued(TaskId taskId, long itemsQueued, Instant now);

    /** How many of {@code taskId}'s items its splits have queued as sub-tasks; 0 when none or unknown. */
    long queuedItems(TaskId taskId);

    /**
     * Records that {@code taskId} failed its last receive and counts its items into its job as
     * dead-lettered, once, unless it was done; only the items no split of it queued, since the
     * queued ones are counted where their sub-tasks end.
     *
     * @return the job record after counting, when this call counted it
     */
    Optional<JobRecord> markDeadLettered(TaskId taskId, long items, String error, Instant now);

    /** Opens the job of an original task with its item count; reading the same task again changes nothing. */
    void startJob(String jobId, String taskType, long items, Instant now);

    /**
     * Counts what the original task's own invocation did (processed in place, or split), once.
     *
     * @return the job record after counting, when this call counted it
     */
    Optional<JobRecord> rootDone(String jobId, Done done, Instant now);

    /**
     * Closes the job with {@code status} if it is still in progress, and gives the caller its
     * completion event to publish until {@code now + lease}.
     *
     * @return true for the one caller that closed it
     */
    boolean closeJob(String jobId, JobStatus status, Instant now, Duration lease);

    /**
     * Takes the job's completion event to publish, when the closing invocation could not: it is
     * closed, and the event is neither published nor held by another invocation's unexpired lease.
     *
     * @return true for the one caller that may publish it now
     */
    boolean claimCompletion(String jobId, Instant now, Duration lease);

    /** Records that the job's completion event was published. */
    void completionPublished(String jobId, Instant now);

    /** Gives back the completion event a publication failed to send, for the next delivery to try. */
    void completionFailed(String jobId, Instant now);

    /** One job's record. */
    Optional<JobRecord> job(String jobId);

    /** Every job kept, newest activity first. */
    List<JobRecord> jobs();

    /**
     * What one task's invocation did.
     *
     * @param processedItems items it processed
     * @param queuedSubTasks sub-tasks it queued
     */
    record Done(long processedItems, long queuedSubTasks) {}

    /** The outcome of a claim. */
    sealed interface Claim {

        /** Go ahead: the caller holds the sub-task until the lease ends. */
        record Claimed(int attempt) implements Claim {}

        /** A duplicate: the sub-task was processed already, at {@code doneAt}. */
        record AlreadyDone(Instant doneAt) implements Claim {}

        /** Another invocation holds the sub-task until {@code leaseEnds}; try again after that. */
        record HeldElsewhere(Instant leaseEnds) implements Claim {}
    }

    /** A store that records nothing: every claim succeeds, and no job is kept. */
    static ProcessingRecords none() {
        return new ProcessingRecords() {
            @Override
            public Claim claim(TaskId taskId, Instant now, Duration lease) {
                return new Claim.Claimed(1);
            }

            @Override
            public Optional<JobRecord> markDone(TaskId taskId, Done done, Instant now) {
                return Optional.empty();
            }

            @Override
            public void markFailed(TaskId taskId, String error, Instant now) {}

            @Override
            public void markQueued(TaskId taskId, long itemsQueued, Instant now) {}

            @Override
            public long queuedItems(TaskId taskId) {
                return 0;
            }

            @Override
            public Optional<JobRecord> markDeadLettered(TaskId taskId, long items, String error, Instant now) {
                return Optional.empty();
            }

            @Override
            public void startJob(String jobId, String taskType, long items, Instant now) {}

            @Override
            public Optional<JobRecord> rootDone(String jobId, Done done, Instant now) {
                return Optional.empty();
            }

            @Override
            public boolean closeJob(String jobId, JobStatus status, Instant now, Duration lease) {
                return false;
            }

            @Override
            public boolean claimCompletion(String jobId, Instant now, Duration lease) {
                return false;
            }

            @Override
            public void completionPublished(String jobId, Instant now) {}

            @Override
            public void completionFailed(String jobId, Instant now) {}

            @Override
            public Optional<JobRecord> job(String jobId) {
                return Optional.empty();
            }

            @Override
            public List<JobRecord> jobs() {
                return List.of();
            }
        };
    }
}
