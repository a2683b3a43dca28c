package dev.loadsplitter.engine.internal.handler;

/** The MDC keys the engine sets for the log lines of a record: one home for their names. */
final class LogKeys {

    /** The job the record's task belongs to. */
    static final String JOB_ID = "jobId";
    /** The task's part path within its job; empty at the root. */
    static final String PART_ID = "partId";
    /** The SQS message id of the record. */
    static final String MESSAGE_ID = "messageId";

    private LogKeys() {}
}
