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

    private static final char CONTINUATION = '~';

    /**
     * The rest of this task's split from part {@code nextPart} on: {@code 3~17} for part 3's split
     * continuing at 3.17, at this task's depth, so its parts are the ones the split would have made.
     */
    public Lineage continuation(int nextPart) {
        return new Lineage(jobId, partId + CONTINUATION + nextPart, depth);
    }

    /**
     * The items of this task from item {@code offset} on (0-based), which it had no time to process:
     * {@code 3.2@4}, at this task's depth.
     */
    public Lineage remainder(int offset) {
        return new Lineage(jobId, partId + '@' + offset, depth);
    }

    /** Whether this is the rest of a split ({@link #continuation}). */
    public boolean isContinuation() {
        return partId.indexOf(CONTINUATION) >= 0;
    }

    /** The task whose split this continues: {@code 3} for {@code 3~17}; this lineage when it is no continuation. */
    public Lineage continued() {
        int at = partId.lastIndexOf(CONTINUATION);
        return at < 0 ? this : new Lineage(jobId, partId.substring(0, at), depth);
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
