package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One job's record: how many items it has, and what became of them. The engine keeps it beside
 * the processing records (in DynamoDB on AWS), the completion event carries it as its
 * {@code detail}, and {@code load-splitter jobs} shows it; its JSON is written and read here only.
 *
 * @param jobId the job's id
 * @param taskType the task type's name
 * @param items the items of the original task, counted when it was first read
 * @param subTasksQueued sub-tasks queued by every split of the job, each split counted once
 * @param processed items processed, each sub-task counted once however often it was delivered
 * @param failedAttempts attempts that failed: every failed delivery of a sub-task counts
 * @param deadLettered items whose sub-task failed its last receive and went to the dead-letter queue
 * @param firstActivity when the job was first seen
 * @param lastActivity when it was last counted into
 * @param status where it stands
 * @param completedAt when its last item was accounted for
 */
public record JobRecord(
        String jobId,
        String taskType,
        long items,
        long subTasksQueued,
        long processed,
        long failedAttempts,
        long deadLettered,
        Instant firstActivity,
        Instant lastActivity,
        JobStatus status,
        Optional<Instant> completedAt) {

    public JobRecord {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(taskType, "taskType");
        Objects.requireNonNull(firstActivity, "firstActivity");
        Objects.requireNonNull(lastActivity, "lastActivity");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(completedAt, "completedAt");
    }

    /** Items neither processed nor dead-lettered yet. */
    public long outstanding() {
        return Math.max(0, items - processed - deadLettered);
    }

    /** Every item is processed or dead-lettered: the job can close. */
    public boolean allAccountedFor() {
        return items > 0 && processed + deadLettered >= items;
    }

    /** The record as JSON: the completion event's {@code detail}, and {@code jobs --json}. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("jobId", jobId);
        node.put("taskType", taskType);
        node.put("status", status.name());
        node.put("items", items);
        node.put("subTasksQueued", subTasksQueued);
        node.put("processed", processed);
        node.put("deadLettered", deadLettered);
        node.put("outstanding", outstanding());
        node.put("failedAttempts", failedAttempts);
        node.put("firstActivity", firstActivity.toString());
        node.put("lastActivity", lastActivity.toString());
        completedAt.ifPresent(at -> node.put("completedAt", at.toString()));
        return node;
    }

    /** Reads {@link #toJson()}'s form. */
    public static JobRecord fromJson(JsonNode node) {
        return new JobRecord(
                node.path("jobId").asText(),
                node.path("taskType").asText(),
                node.path("items").asLong(),
                node.path("subTasksQueued").asLong(),
                node.path("processed").asLong(),
                node.path("failedAttempts").asLong(),
                node.path("deadLettered").asLong(),
                Instant.parse(node.path("firstActivity").asText()),
                Instant.parse(node.path("lastActivity").asText()),
                JobStatus.valueOf(node.path("status").asText()),
                node.hasNonNull("completedAt")
                        ? Optional.of(Instant.parse(node.get("completedAt").asText()))
                        : Optional.empty());
    }
}
