package dev.loadsplitter.engine.internal.ledger;

/**
 * A sub-task names a job the ledger does not have: its records expired (they are kept
 * IDEMPOTENCY_TTL after their last change), or it was never started. Retrying cannot help.
 */
public final class UnknownJobException extends RuntimeException {

    public UnknownJobException(String jobId) {
        super("job " + jobId + " is not in the ledger: its records expired (they are kept IDEMPOTENCY_TTL after the "
                + "job's last change) or it was never started; the sub-task cannot be counted. Run the original "
                + "event again to start the job anew.");
    }
}
