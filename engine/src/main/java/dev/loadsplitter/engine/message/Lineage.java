package dev.loadsplitter.engine.message;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a task sits in its job's split tree.
 *
 * <p>The original task is the root: part {@code ""}, depth 0. Its sub-tasks are parts
 * {@code 1..M} at depth 1; a sub-task split again gives {@code 3.1, 3.2, …} at depth 2. Part
 * numbers are 1-based, as in "part 3 of 5". Because the job id is derived from the event, a
 * retried split yields the same job id and part ids, so duplicates can be recognised.
 *
 * @param jobId the id shared by every task of the job
 * @param partId the dotted part path; empty at the root
 * @param depth how many splits led here
 */
public record Lineage(String jobId, String partId, int depth) {

    public Lineage {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(partId, "partId");
        if (jobId.isBlank()) {
            throw new IllegalArgumentException("jobId must not be blank");
        }
        if (depth < 0) {
            throw new IllegalArgumentException("depth must not be negative, got " + depth);
        }
    }

    /** The original task of job {@code jobId}. */
    public static Lineage root(String jobId) {
        return new Lineage(jobId, "", 0);
    }

    /** Part {@code index} (1-based) of this task's sub-tasks. */
    public Lineage child(int index) {
        if (index < 1) {
            throw new IllegalArgumentException("part index is 1-based, got " + index);
        }
        return new Lineage(jobId, partId.isEmpty() ? Integer.toString(index) : partId + "." + index, depth + 1);
    }

    /** The sub-task's id; empty for the original task, which is not a sub-task. */
    public Optional<TaskId> taskId() {
        return partId.isEmpty() ? Optional.empty() : Optional.of(new TaskId(jobId, partId));
    }

    /** "job=…" or "job=…, part=…", for log lines. */
    public String describe() {
        return "job=" + jobId + (partId.isEmpty() ? "" : ", part=" + partId);
    }
}
