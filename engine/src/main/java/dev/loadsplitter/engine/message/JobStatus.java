package dev.loadsplitter.engine.message;

/** Where a job stands. */
public enum JobStatus {
    /** Items are still being processed, or waiting to be. */
    IN_PROGRESS,
    /** Every item was processed. */
    COMPLETED,
    /** Every item was processed or dead-lettered, and some were dead-lettered. */
    COMPLETED_WITH_FAILURES,
    /** Every item was dead-lettered: none was processed. */
    FAILED;

    /** The status of a job whose items are all accounted for. */
    public static JobStatus closedWith(long processed, long deadLettered) {
        if (deadLettered == 0) {
            return COMPLETED;
        }
        return processed == 0 ? FAILED : COMPLETED_WITH_FAILURES;
    }
}
