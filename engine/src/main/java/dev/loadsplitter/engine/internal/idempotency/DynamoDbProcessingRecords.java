package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Processing records in a DynamoDB table, shared by every container: one item per sub-task, keyed
 * by {@code taskId} (job id/part id), claimed with a conditional write so exactly one invocation
 * wins, and removed by DynamoDB's TTL through the {@code expiresAt} attribute (epoch seconds).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.ConditionalUpdate
 *
 * <p>Item attributes: {@code taskId} (S, key), {@code state} (S: IN_PROGRESS, DONE, FAILED),
 * {@code leaseEnds} and {@code updatedAt} (N, epoch milliseconds), {@code expiresAt} (N, epoch
 * seconds, the TTL attribute), {@code attempts} (N), {@code firstError} and {@code lastError} (S).
 */
public final class DynamoDbProcessingRecords implements ProcessingRecords {

    public static final String KEY = "taskId";
    public static final String TTL_ATTRIBUTE = "expiresAt";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration timeToLive;

    public DynamoDbProcessingRecords(DynamoDbClient dynamo, String table, Duration timeToLive) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
    }

    @Override
    public Claim claim(TaskId taskId, Instant now, Duration lease) {
        // The item can vanish (TTL) between a refused conditional write and the read that says why:
        // then nothing holds the sub-task any more, and the claim is simply tried again.
        while (true) {
            Optional<Claim> claim = tryClaim(taskId, now, lease);
            if (claim.isPresent()) {
                return claim.get();
            }
        }
    }

    private Optional<Claim> tryClaim(TaskId taskId, Instant now, Duration lease) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":inProgress", s("IN_PROGRESS"));
        values.put(":failed", s("FAILED"));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":nowSeconds", n(now.getEpochSecond()));
        values.put(":lease", n(now.plus(lease).toEpochMilli()));
        values.put(":expires", n(now.plus(timeToLive).getEpochSecond()));
        values.put(":one", n(1));
        try {
            UpdateItemResponse response = dynamo.updateItem(r -> r.tableName(table).key(key(taskId))
                    .conditionExpression("attribute_not_exists(taskId) OR #state = :failed OR expiresAt < :nowSeconds "
                            + "OR (#state = :inProgress AND leaseEnds < :now)")
                    .updateExpression("SET #state = :inProgress, leaseEnds = :lease, updatedAt = :now, "
                            + "expiresAt = :expires ADD attempts :one")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(new Claim.Claimed(Integer.parseInt(response.attributes().get("attempts").n())));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(taskId))
                    .consistentRead(true)).item();
            if (item == null || item.isEmpty()) {
                return Optional.empty();
            }
            if ("DONE".equals(item.get("state").s())) {
                return Optional.of(new Claim.AlreadyDone(Instant.ofEpochMilli(Long.parseLong(item.get("updatedAt").n()))));
            }
            return Optional.of(new Claim.HeldElsewhere(Instant.ofEpochMilli(Long.parseLong(item.get("leaseEnds").n()))));
        }
    }

    @Override
    public void markDone(TaskId taskId, Instant now) {
        dynamo.updateItem(r -> r.tableName(table).key(key(taskId))
                .updateExpression("SET #state = :done, updatedAt = :now, expiresAt = :expires")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":done", s("DONE"), ":now", n(now.toEpochMilli()),
                        ":expires", n(now.plus(timeToLive).getEpochSecond()))));
    }

    @Override
    public void markFailed(TaskId taskId, String error, Instant now) {
        String text = error == null ? "unknown error" : error.length() > 2_000 ? error.substring(0, 2_000) : error;
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(taskId))
                    .conditionExpression("attribute_exists(taskId) AND #state <> :done")
                    .updateExpression("SET #state = :failed, lastError = :error, "
                            + "firstError = if_not_exists(firstError, :error), updatedAt = :now, expiresAt = :expires")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":done", s("DONE"), ":failed", s("FAILED"), ":error", s(text),
                            ":now", n(now.toEpochMilli()), ":expires", n(now.plus(timeToLive).getEpochSecond()))));
        } catch (ConditionalCheckFailedException e) {
            // Already done (a duplicate finished first) or already expired: nothing to record.
        }
    }

    /** The first error recorded for {@code taskId}, for operators looking at the DLQ. */
    public Optional<String> firstError(TaskId taskId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(taskId))).item();
        return item == null || !item.containsKey("firstError") ? Optional.empty()
                : Optional.of(item.get("firstError").s());
    }

    private static Map<String, AttributeValue> key(TaskId taskId) {
        return Map.of(KEY, s(taskId.toString()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
