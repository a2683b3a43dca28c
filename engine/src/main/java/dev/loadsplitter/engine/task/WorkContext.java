package dev.loadsplitter.engine.task;

import java.util.Objects;

/**
 * Where a piece of work came from, so that every log line about it can name it.
 *
 * @param jobId the id shared by the original task and all its sub-tasks
 * @param partId the sub-task's dotted part path, such as {@code 3} or {@code 3.2}; empty for the original task
 * @param sourceId the SQS message id, or the Lambda request id for a direct invocation
 */
public record WorkContext(String jobId, String partId, String sourceId) {

    public WorkContext {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(partId, "partId");
        Objects.requireNonNull(sourceId, "sourceId");
    }

    /** "job=…, part=…, source=…", for log lines. */
    public String describe() {
        return "job=" + jobId + (partId.isEmpty() ? "" : ", part=" + partId) + ", source=" + sourceId;
    }
}
