package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;

/**
 * One processing record per sub-task (job id + part id), so that a sub-task delivered twice, as
 * SQS and Lambda may do, is processed once.
 *
 * <p>A record is {@code IN_PROGRESS} under a lease while an invocation works on it, {@code DONE}
 * once it succeeded, {@code FAILED} when it failed (and may be claimed again at once). A lease left
 * behind by a crashed or timed-out invocation expires, and the sub-task becomes claimable again.
 * Every record expires after a time-to-live longer than the queue's visibility timeout.
 */
public interface ProcessingRecords {

    /**
     * Tries to take {@code taskId} for processing until {@code now + lease}.
     *
     * @return {@link Claim.Claimed} to go ahead, {@link Claim.AlreadyDone} for a duplicate of a
     *         finished sub-task, or {@link Claim.HeldElsewhere} while another invocation holds it
     */
    Claim claim(TaskId taskId, Instant now, Duration lease);

    /** Records that {@code taskId} was processed. */
    void markDone(TaskId taskId, Instant now);

    /** Records that processing {@code taskId} failed, so the next delivery may claim it at once. */
    void markFailed(TaskId taskId, String error, Instant now);

    /** The outcome of a claim. */
    sealed interface Claim {

        /** Go ahead: the caller holds the sub-task until the lease ends. */
        record Claimed(int attempt) implements Claim {
        }

        /** A duplicate: the sub-task was processed already, at {@code doneAt}. */
        record AlreadyDone(Instant doneAt) implements Claim {
        }

        /** Another invocation holds the sub-task until {@code leaseEnds}; try again after that. */
        record HeldElsewhere(Instant leaseEnds) implements Claim {
        }
    }

    /** A store that records nothing: every claim succeeds. */
    static ProcessingRecords none() {
        return new ProcessingRecords() {
            @Override
            public Claim claim(TaskId taskId, Instant now, Duration lease) {
                return new Claim.Claimed(1);
            }

            @Override
            public void markDone(TaskId taskId, Instant now) {
            }

            @Override
            public void markFailed(TaskId taskId, String error, Instant now) {
            }
        };
    }
}
