package dev.loadsplitter.local.container;

/** How an invocation was made. */
public enum Trigger {
    /** {@code Invoke} with {@code RequestResponse}: the caller waits for the response. */
    SYNC,
    /** {@code Invoke} with {@code Event}, as EventBridge invokes: queued, retried twice on error. */
    ASYNC,
    /** A batch from the SQS event source mapping. */
    SQS
}
