package dev.loadsplitter.engine.message;

/** Why a job closed as it did; in its record, its completion event and {@code run --json}. */
public enum CloseReason {
    /** Every item was processed. */
    ALL_PROCESSED,
    /** Some items were dead-lettered, the others processed. */
    DEAD_LETTERED,
    /** Every item was dead-lettered. */
    ALL_DEAD_LETTERED,
    /** More items failed than TOLERATED_FAILURE_COUNT or TOLERATED_FAILURE_PERCENTAGE allow: the job stopped. */
    TOLERANCE_EXCEEDED,
    /** {@code load-splitter jobs cancel} stopped it. */
    CANCELLED,
    /** It was still open at its deadline. */
    TIMED_OUT
}
