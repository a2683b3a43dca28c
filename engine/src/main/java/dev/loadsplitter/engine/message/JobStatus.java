package dev.loadsplitter.engine.message;

/** Where a job stands. */
public enum JobStatus {
    /** Items are still being processed, or waiting to be; or a redrive reopened the job. */
    IN_PROGRESS,
    /** Every item was processed. */
    COMPLETED,
    /** Every item was processed or dead-lettered, and some were dead-lettered. */
    COMPLETED_WITH_FAILURES,
    /**
     * The job failed: every item was dead-lettered ({@link CloseReason#ALL_DEAD_LETTERED}), or more
     * failed than the job tolerates and it stopped ({@link CloseReason#TOLERANCE_EXCEEDED}).
     */
    FAILED,
    /** Stopped by {@code load-splitter jobs cancel}: items not started were skipped. */
    CANCELLED,
    /** Still open at its deadline: the items still open were skipped. */
    TIMED_OUT;

    /** Whether the job is closed. */
    public boolean isClosed() {
        return this != IN_PROGRESS;
    }
}
