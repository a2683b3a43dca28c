package dev.loadsplitter.local.container;

/** How an invocation was made. */
public enum Trigger {
    /** {@code Invoke} with {@code RequestResponse}: the caller waits for the response. */
    SYNC,
    /** {@code Invoke} with {@code Event}, as EventBridge invokes: queued, retried twice on error. */
    ASYNC,
    /** A batch from the SQS event source mapping. */
    SQS,
    /**
     * A batch from the dead-letter queue's mapping, which only counts sub-tasks into their jobs and
     * parks them: injected faults leave it alone, so a run with faults still ends.
     */
    DEAD_LETTERS,
    /**
     * A batch from the failed-events queue's mapping: Lambda's invocation records of events that
     * failed every asynchronous attempt, whose consumer only runs a root split again to finish it.
     * Injected faults leave it alone, as they leave the DLQ's consumer, so a run with faults still ends.
     */
    FAILED_EVENTS,
    /**
     * The schedule that runs the job ledger's sweep ({@code {"loadSplitterSweep": {}}}), as the
     * deployment's EventBridge schedule invokes it: the safety net, which injected faults leave alone.
     */
    SCHEDULE;

    /** Whether the invocation's event is an SQS batch. */
    public boolean isSqs() {
        return this == SQS || this == DEAD_LETTERS || this == FAILED_EVENTS;
    }
}
