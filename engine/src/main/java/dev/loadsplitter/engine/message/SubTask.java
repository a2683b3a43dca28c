package dev.loadsplitter.engine.message;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One sub-task, ready to be queued: its JSON body and where it belongs in the job.
 *
 * @param body the sub-task's JSON, in the original event's shape
 * @param lineage its job id, part id and depth
 * @param partIndex its 1-based index among its siblings
 * @param partCount how many siblings it has, itself included
 * @param itemCount how many items it holds
 * @param taskType the task type's name
 */
public record SubTask(String body, Lineage lineage, int partIndex, int partCount, int itemCount, String taskType) {

    public SubTask {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(lineage, "lineage");
        Objects.requireNonNull(taskType, "taskType");
        if (partIndex < 1 || partIndex > partCount) {
            throw new IllegalArgumentException("partIndex must be from 1 to partCount " + partCount + ", got " + partIndex);
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
