package dev.loadsplitter.engine.message;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a task sits in its job: its place in the split tree, the items it covers, and how many
 * hops through a queue it is from the original event.
 *
 * <p>The original task is the root: part {@code ""}, depth 0, hop 0, items from 0. Its sub-tasks are
 * parts {@code 1..M} at depth 1; a sub-task split again gives {@code 3.1, 3.2, …} at depth 2. Part
 * numbers are 1-based, as in "part 3 of 5". Because the job id is derived from the event and the
 * parts from the task alone, a retried split yields the same ids and item ranges, so duplicates are
 * recognised and every item keeps its index in the original event.
 *
 * @param jobId the id shared by every task of the job
 * @param partId the dotted part path; empty at the root; {@code 3~17} for the rest of part 3's split
 *     from part 3.17 on, {@code 3.2@1} for part 3.2 sent again to finish what it had no time for
 * @param depth how many splits led here (the part path's length)
 * @param hops how many times a queue (or an asynchronous invocation) carried it from the original
 *     event: each split, rest of a split and remainder adds one; Lambda's recursive loop detection
 *     stops a chain at about 16, so this is what MAX_SPLIT_DEPTH bounds
 * @param firstItem the index, in the original event, of the task's first item
 */
public record Lineage(String jobId, String partId, int depth, int hops, long firstItem) {

    private static final char CONTINUATION = '~';
    private static final char REMAINDER = '@';

    public Lineage {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(partId, "partId");
        if (jobId.isBlank()) {
            throw new IllegalArgumentException("jobId must not be blank");
        }
        if (depth < 0) {
            throw new IllegalArgumentException("depth must not be negative, got " + depth);
        }
        if (hops < depth) {
            throw new IllegalArgumentException("hops must be at least the depth " + depth + ", got " + hops);
        }
        if (firstItem < 0) {
            throw new IllegalArgumentException("firstItem must not be negative, got " + firstItem);
        }
    }

    /** A task at {@code depth}, as many hops from its event, from item 0 (for tests and older callers). */
    public Lineage(String jobId, String partId, int depth) {
        this(jobId, partId, depth, depth, 0);
    }

    /** The original task of job {@code jobId}. */
    public static Lineage root(String jobId) {
        return new Lineage(jobId, "", 0, 0, 0);
    }

    /**
     * Part {@code index} (1-based) of this task's sub-tasks, whose first item is this task's item
     * {@code offset}.
     */
    public Lineage child(int index, long offset) {
        if (index < 1) {
            throw new IllegalArgumentException("part index is 1-based, got " + index);
        }
        return new Lineage(
                jobId,
                partId.isEmpty() ? Integer.toString(index) : partId + "." + index,
                depth + 1,
                hops + 1,
                firstItem + offset);
    }

    /**
     * The rest of this task's split from part {@code nextPart} on, from this task's item {@code offset}:
     * {@code 3~17} for part 3's split continuing at 3.17; one hop further, at this task's depth, so its
     * parts are the ones the split would have made.
     */
    public Lineage continuation(int nextPart, long offset) {
        return new Lineage(jobId, partId + CONTINUATION + nextPart, depth, hops + 1, firstItem + offset);
    }

    /**
     * This task sent again, one hop further, to finish the items it had no time for: {@code 3.2@1},
     * then {@code 3.2@2}. It covers the same items; its consumer does the ones still open.
     */
    public Lineage remainder() {
        int at = partId.lastIndexOf(REMAINDER);
        String base = at < 0 ? partId : partId.substring(0, at);
        int generation = at < 0 ? 1 : Integer.parseInt(partId.substring(at + 1)) + 1;
        return new Lineage(jobId, base + REMAINDER + generation, depth, hops + 1, firstItem);
    }

    private static final char GENERATION = '!';

    /**
     * This task as the parent of its parts after its {@code generation}-th redrive: {@code 3!1}, so the
     * parts it splits into now ({@code 3!1.1}, …) are new sub-tasks that do its open items, whatever
     * became of the parts an earlier generation made.
     */
    public Lineage generation(int generation) {
        return generation == 0 ? this : new Lineage(jobId, partId + GENERATION + generation, depth, hops, firstItem);
    }

    /** Whether this task descends from a redriven split's new generation ({@link #generation}). */
    public boolean isOfLaterGeneration() {
        return partId.indexOf(GENERATION) >= 0;
    }

    /** Whether this is the rest of a split ({@link #continuation}). */
    public boolean isContinuation() {
        return partId.indexOf(CONTINUATION) >= 0;
    }

    /** Whether this is a task sent again to finish its items ({@link #remainder}). */
    public boolean isRemainder() {
        return partId.indexOf(REMAINDER) >= 0;
    }

    /**
     * The task whose split this continues, as far as this one has come: {@code 3} for {@code 3~17},
     * with this one's hops and first item; this lineage when it is no continuation.
     */
    public Lineage continued() {
        int at = partId.lastIndexOf(CONTINUATION);
        return at < 0 ? this : new Lineage(jobId, partId.substring(0, at), depth, hops, firstItem);
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
