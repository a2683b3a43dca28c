package dev.loadsplitter.engine.jobs;

/** What {@link Jobs#cancel} came to. */
public enum CancelOutcome {
    /** Stopped now: no new work starts; it closes as CANCELLED once its work in flight ends. */
    STOPPED,
    /** It was stopped (or cancelled) already. */
    ALREADY_STOPPED,
    /** It had closed otherwise: completed, failed or timed out. */
    ALREADY_CLOSED,
    /** There is no such job. */
    NO_SUCH_JOB
}
