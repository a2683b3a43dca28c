package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One job's record: how many items it has, and what became of them. The engine derives it from its
 * ledger (in DynamoDB on AWS), the completion event carries it as its {@code detail}, and
 * {@code load-splitter jobs} shows it; its JSON is written and read here only.
 *
 * <p>The counts are exact: {@code processed} is the number of distinct items whose work completed,
 * {@code deadLettered} the distinct items dead-lettered and not processed since, {@code skipped} the
 * distinct items skipped (a stopped or timed-out job's items that never started); their sum never
 * exceeds {@code items}, and a job closes when it reaches it.
 *
 * @param jobId the job's id
 * @param taskType the task type's name
 * @param items the items of the original task, counted when it was first read
 * @param processed distinct items processed
 * @param deadLettered distinct items dead-lettered (kept for redrive) and not processed since
 * @param skipped distinct items skipped
 * @param results processed items whose work returned a result
 * @param failedAttempts attempts at the job's sub-tasks that failed (each failed delivery counts once)
 * @param firstActivity when the job was first seen
 * @param lastActivity when it last changed: opened, closed or reopened
 * @param status where it stands
 * @param reason why it closed as it did; empty while it is open
 * @param close how many times it closed: 0 while open the first time, 1 after its first close, 2 after a
 *     redrive reopened it and it closed again
 * @param completedAt when it last closed
 */
public record JobRecord(
        String jobId,
        String taskType,
        long items,
        long processed,
        long deadLettered,
        long skipped,
        long results,
        long failedAttempts,
        Instant firstActivity,
        Instant lastActivity,
        JobStatus status,
        Optional<CloseReason> reason,
        int close,
        Optional<Instant> completedAt) {

    public JobRecord {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(taskType, "taskType");
        Objects.requireNonNull(firstActivity, "firstActivity");
        Objects.requireNonNull(lastActivity, "lastActivity");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(completedAt, "completedAt");
    }

    /** Items neither processed, dead-lettered nor skipped yet; negative only if the ledger were wrong. */
    public long outstanding() {
        return items - processed - deadLettered - skipped;
    }

    /** Every item is processed, dead-lettered or skipped. */
    public boolean allAccountedFor() {
        return items > 0 && processed + deadLettered + skipped == items;
    }

    /** Items that failed: dead-lettered after their retries. */
    public long errors() {
        return deadLettered;
    }

    /** The record as JSON: the completion event's {@code detail}, and {@code jobs --json}. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("jobId", jobId);
        node.put("taskType", taskType);
        node.put("status", status.name());
        reason.ifPresent(why -> node.put("reason", why.name()));
        node.put("close", close);
        node.put("items", items);
        node.put("processed", processed);
        node.put("deadLettered", deadLettered);
        node.put("skipped", skipped);
        node.put("outstanding", outstanding());
        node.put("results", results);
        node.put("errors", errors());
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
                node.path("processed").asLong(),
                node.path("deadLettered").asLong(),
                node.path("skipped").asLong(),
                node.path("results").asLong(),
                node.path("failedAttempts").asLong(),
                Instant.parse(node.path("firstActivity").asText()),
                Instant.parse(node.path("lastActivity").asText()),
                JobStatus.valueOf(node.path("status").asText()),
                node.hasNonNull("reason")
                        ? Optional.of(CloseReason.valueOf(node.get("reason").asText()))
                        : Optional.empty(),
                node.path("close").asInt(),
                node.hasNonNull("completedAt")
                        ? Optional.of(Instant.parse(node.get("completedAt").asText()))
                        : Optional.empty());
    }
}
