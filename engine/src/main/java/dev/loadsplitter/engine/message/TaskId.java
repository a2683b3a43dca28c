package dev.loadsplitter.engine.message;

import java.util.Objects;

/**
 * The id of one sub-task within all jobs: {@code <jobId>/<partId>}, as in
 * {@code 7bd5a2f0-…/3.2}. Processing records are keyed by it, and the tools that read the DLQ
 * or a run's invocations name sub-tasks by it. This is its one home: it is built and read here only.
 *
 * @param jobId the job the sub-task belongs to
 * @param partId its dotted part path, never empty: the original task of a job has no task id
 */
public record TaskId(String jobId, String partId) {

    private static final char SEPARATOR = '/';

    public TaskId {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(partId, "partId");
        if (jobId.isBlank()) {
            throw new IllegalArgumentException("A task id needs a job id");
        }
        if (partId.isBlank()) {
            throw new IllegalArgumentException("A task id needs a part id; job " + jobId + "'s original task has none");
        }
    }

    /**
     * Reads {@code <jobId>/<partId>}. Job ids may hold slashes (a content hash never does, an
     * EventBridge id does not), so the part is what follows the last one.
     *
     * @throws IllegalArgumentException when {@code text} is not of that form
     */
    public static TaskId parse(String text) {
        int at = text.lastIndexOf(SEPARATOR);
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("A task id looks like <jobId>/<partId>, got '" + text + "'");
        }
        return new TaskId(text.substring(0, at), text.substring(at + 1));
    }

    /** {@code <jobId>/<partId>}. */
    @Override
    public String toString() {
        return jobId + SEPARATOR + partId;
    }
}
