package dev.loadsplitter.engine.message;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * One sub-task, ready to be queued: its JSON body and where it belongs in the job.
 *
 * @param body the sub-task's JSON, in the original event's shape
 * @param lineage its job id, part id and depth
 * @param partIndex its 1-based index among its siblings
 * @param partCount how many siblings it has, itself included
 * @param itemCount how many items it holds
 * @param taskType the task type's name
 * @param continuation for the rest of a split that ran short of time: where its parts go on
 */
public record SubTask(
        String body,
        Lineage lineage,
        int partIndex,
        int partCount,
        int itemCount,
        String taskType,
        Optional<Continuation> continuation) {

    /** A part of a split. */
    public SubTask(String body, Lineage lineage, int partIndex, int partCount, int itemCount, String taskType) {
        this(body, lineage, partIndex, partCount, itemCount, taskType, Optional.empty());
    }

    /**
     * The rest of a split that ran short of time, sent instead of its remaining parts: whoever
     * receives it splits its items into the very parts the split would have sent, numbered from
     * {@code nextPart}, so a duplicate of any of them is still recognised.
     *
     * @param nextPart the 1-based index of the first part still to send
     * @param sliceSize the items per part the split used
     */
    public record Continuation(int nextPart, int sliceSize) {
        public Continuation {
            if (nextPart < 1 || sliceSize < 1) {
                throw new IllegalArgumentException(
                        "nextPart and sliceSize are at least 1, got " + nextPart + " and " + sliceSize);
            }
        }
    }

    public SubTask {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(lineage, "lineage");
        Objects.requireNonNull(taskType, "taskType");
        Objects.requireNonNull(continuation, "continuation");
        if (partIndex < 1 || partIndex > partCount) {
            throw new IllegalArgumentException(
                    "partIndex must be from 1 to partCount " + partCount + ", got " + partIndex);
        }
        if (itemCount < 1) {
            throw new IllegalArgumentException("A sub-task holds at least one item, got " + itemCount);
        }
    }

    /** The size SQS counts against its message limit: the body plus every attribute's name, type and value. */
    public int messageBytes() {
        return body.getBytes(StandardCharsets.UTF_8).length + SubTaskAttribute.totalBytes(this);
    }
}
