package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Processing records and job records in one DynamoDB table, shared by every container, keyed by
 * {@code taskId}: a sub-task's item is its task id ({@code job/part}), a job's item is
 * {@code job#<jobId>}. A claim is a conditional write, so exactly one invocation wins; moving a
 * sub-task to done or dead-lettered and counting it into its job is one transaction
 * ({@code TransactWriteItems}), so a duplicate never counts twice; DynamoDB's TTL removes items
 * through {@code expiresAt} (epoch seconds). Every attribute name goes through a placeholder, since
 * DynamoDB reserves words such as {@code state}, {@code status} and {@code items}.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html
 *
 * <p>Sub-task attributes: {@code state} (IN_PROGRESS, DONE, FAILED, DEAD_LETTERED), {@code leaseEnds},
 * {@code updatedAt} (epoch ms), {@code expiresAt}, {@code attempts}, {@code deadItems} (items counted
 * as dead-lettered), {@code firstError}, {@code lastError}. Job attributes: {@code kind} ({@code job}),
 * {@code jobId}, {@code taskType}, {@code items}, {@code subTasksQueued}, {@code processed},
 * {@code failedAttempts}, {@code deadLettered}, {@code firstActivity}, {@code lastActivity},
 * {@code status}, {@code completedAt}, {@code rootDone}, {@code completion} (SENDING until
 * {@code sendingUntil}, PENDING, SENT).
 */
public final class DynamoDbProcessingRecords implements ProcessingRecords {

    public static final String KEY = "taskId";
    public static final String TTL_ATTRIBUTE = "expiresAt";
    private static final String JOB_PREFIX = "job#";
    private static final int MAX_ERROR = 2_000;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration timeToLive;

    public DynamoDbProcessingRecords(DynamoDbClient dynamo, String table, Duration timeToLive) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
    }

    // -- processing records --

    /** An eventually consistent read of a key no record has: half a read unit. */
    @Override
    public void warmUp() {
        dynamo.getItem(r -> r.tableName(table).key(Map.of(KEY, s("warm-up"))));
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
        Expression e = new Expression()
                .value(":inProgress", s("IN_PROGRESS"))
                .value(":failed", s("FAILED"))
                .value(":dead", s("DEAD_LETTERED"))
                .value(":now", n(now.toEpochMilli()))
                .value(":nowSeconds", n(now.getEpochSecond()))
                .value(":lease", n(now.plus(lease).toEpochMilli()))
                .value(":expires", n(expires(now)))
                .value(":one", n(1));
        try {
            var response = dynamo.updateItem(r -> r.tableName(table)
                    .key(key(taskId))
                    .conditionExpression(e.text("attribute_not_exists(#taskId) OR #state = :failed OR #state = :dead "
                            + "OR #expiresAt < :nowSeconds OR (#state = :inProgress AND #leaseEnds < :now)"))
                    .updateExpression(e.text("SET #state = :inProgress, #leaseEnds = :lease, #updatedAt = :now, "
                            + "#expiresAt = :expires ADD #attempts :one"))
                    .expressionAttributeNames(e.names())
                    .expressionAttributeValues(e.values())
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(new Claim.Claimed(
                    Integer.parseInt(response.attributes().get("attempts").n())));
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> item = get(taskId.toString());
            if (item.isEmpty()) {
                return Optional.empty();
            }
            if ("DONE".equals(item.get("state").s())) {
                return Optional.of(new Claim.AlreadyDone(Instant.ofEpochMilli(number(item, "updatedAt"))));
            }
            return Optional.of(new Claim.HeldElsewhere(Instant.ofEpochMilli(number(item, "leaseEnds"))));
        }
    }

    @Override
    public Optional<JobRecord> markDone(TaskId taskId, Done done, Instant now) {
        // Optimistic first: almost every sub-task was never dead-lettered, so the record need not be read first.
        long deadItems = 0;
        while (true) {
            Expression onRecord = new Expression()
                    .value(":done", s("DONE"))
                    .value(":now", n(now.toEpochMilli()))
                    .value(":expires", n(expires(now)))
                    .value(":zero", n(0))
                    .value(":dead", n(deadItems));
            Update recordUpdate = Update.builder()
                    .tableName(table)
                    .key(key(taskId))
                    .conditionExpression(onRecord.text("attribute_not_exists(#state) OR (#state <> :done AND "
                            + (deadItems == 0
                                    ? "(attribute_not_exists(#deadItems) OR #deadItems = :zero))"
                                    : "#deadItems = :dead)")))
                    .updateExpression(onRecord.text(
                            "SET #state = :done, #updatedAt = :now, #expiresAt = :expires, " + "#deadItems = :zero"))
                    .expressionAttributeNames(onRecord.names())
                    .expressionAttributeValues(onRecord.values())
                    .build();
            if (transact(
                    recordUpdate,
                    jobCount(
                            taskId.jobId(),
                            now,
                            Map.of(
                                    "processed",
                                    done.processedItems(),
                                    "subTasksQueued",
                                    done.queuedSubTasks(),
                                    "deadLettered",
                                    -deadItems)))) {
                return job(taskId.jobId());
            }
            Map<String, AttributeValue> record = get(taskId.toString());
            if (!record.isEmpty() && "DONE".equals(record.get("state").s())) {
                return Optional.empty();
            }
            deadItems = number(record, "deadItems");
        }
    }

    @Override
    public void markFailed(TaskId taskId, String error, Instant now) {
        String text =
                error == null ? "unknown error" : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        Expression e = new Expression()
                .value(":done", s("DONE"))
                .value(":failed", s("FAILED"))
                .value(":error", s(text))
                .value(":now", n(now.toEpochMilli()))
                .value(":expires", n(expires(now)));
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(key(taskId))
                    .conditionExpression(e.text("attribute_exists(#taskId) AND #state <> :done"))
                    .updateExpression(
                            e.text(
                                    "SET #state = :failed, #lastError = :error, "
                                            + "#firstError = if_not_exists(#firstError, :error), #updatedAt = :now, #expiresAt = :expires"))
                    .expressionAttributeNames(e.names())
                    .expressionAttributeValues(e.values()));
        } catch (ConditionalCheckFailedException e2) {
            // Already done (a duplicate finished first) or already expired: nothing to record.
        }
        Update job = jobCount(taskId.jobId(), now, Map.of("failedAttempts", 1L));
        dynamo.updateItem(r -> r.tableName(table)
                .key(job.key())
                .updateExpression(job.updateExpression())
                .expressionAttributeNames(job.expressionAttributeNames())
                .expressionAttributeValues(job.expressionAttributeValues()));
    }

    @Override
    public void markQueued(TaskId taskId, long itemsQueued, Instant now) {
        Expression e = new Expression().value(":queued", n(itemsQueued));
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(key(taskId))
                    .conditionExpression(e.text("attribute_not_exists(#queuedItems) OR #queuedItems < :queued"))
                    .updateExpression(e.text("SET #queuedItems = :queued"))
                    .expressionAttributeNames(e.names())
                    .expressionAttributeValues(e.values()));
        } catch (ConditionalCheckFailedException alreadyFurther) {
            // Another attempt queued as much or more.
        }
    }

    @Override
    public long queuedItems(TaskId taskId) {
        return number(get(taskId.toString()), "queuedItems");
    }

    @Override
    public Optional<JobRecord> markDeadLettered(TaskId taskId, long items, String error, Instant now) {
        String text =
                error == null ? "unknown error" : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        while (true) {
            Map<String, AttributeValue> record = get(taskId.toString());
            if (!record.isEmpty() && "DONE".equals(record.get("state").s())) {
                return Optional.empty();
            }
            long queued = number(record, "queuedItems");
            long dead = Math.max(0, items - queued);
            Expression onRecord = new Expression()
                    .value(":done", s("DONE"))
                    .value(":dead", s("DEAD_LETTERED"))
                    .value(":error", s(text))
                    .value(":now", n(now.toEpochMilli()))
                    .value(":expires", n(expires(now)))
                    .value(":zero", n(0))
                    .value(":items", n(dead))
                    .value(":queued", n(queued));
            if (number(record, "deadItems") > 0) {
                // Counted when it was dead-lettered before; it was redriven and failed again.
                try {
                    dynamo.updateItem(r -> r.tableName(table)
                            .key(key(taskId))
                            .conditionExpression(onRecord.text("#state <> :done"))
                            .updateExpression(
                                    onRecord.text("SET #state = :dead, #lastError = :error, #updatedAt = :now"))
                            .expressionAttributeNames(onRecord.names())
                            .expressionAttributeValues(onRecord.only(":done", ":dead", ":error", ":now")));
                } catch (ConditionalCheckFailedException doneMeanwhile) {
                    // Done after all: nothing to record.
                }
                return Optional.empty();
            }
            Update recordUpdate = Update.builder()
                    .tableName(table)
                    .key(key(taskId))
                    // Counted on what this read saw: a split that queued more meanwhile makes it read again.
                    .conditionExpression(onRecord.text("(attribute_not_exists(#state) OR (#state <> :done AND "
                            + "(attribute_not_exists(#deadItems) OR #deadItems = :zero))) AND ("
                            + (queued == 0 ? "attribute_not_exists(#queuedItems) OR " : "")
                            + "#queuedItems = :queued)"))
                    .updateExpression(
                            onRecord.text(
                                    "SET #state = :dead, #deadItems = :items, #lastError = :error, "
                                            + "#firstError = if_not_exists(#firstError, :error), #updatedAt = :now, #expiresAt = :expires"))
                    .expressionAttributeNames(onRecord.names())
                    .expressionAttributeValues(onRecord.values())
                    .build();
            if (transact(recordUpdate, jobCount(taskId.jobId(), now, Map.of("deadLettered", dead)))) {
                return job(taskId.jobId());
            }
        }
    }

    /** The first error recorded for {@code taskId}, for operators looking at the DLQ. */
    public Optional<String> firstError(TaskId taskId) {
        Map<String, AttributeValue> item = get(taskId.toString());
        return item.containsKey("firstError")
                ? Optional.of(item.get("firstError").s())
                : Optional.empty();
    }

    // -- job records --

    @Override
    public void startJob(String jobId, String taskType, long items, Instant now) {
        Expression e = jobBasics(jobId, now).value(":taskType", s(taskType)).value(":items", n(items));
        dynamo.updateItem(r -> r.tableName(table)
                .key(jobKey(jobId))
                .updateExpression(e.text(e.basics() + ", #taskType = if_not_exists(#taskType, :taskType), "
                        + "#items = if_not_exists(#items, :items)"))
                .expressionAttributeNames(e.names())
                .expressionAttributeValues(e.values()));
    }

    @Override
    public Optional<JobRecord> rootDone(String jobId, Done done, Instant now) {
        Expression e = jobBasics(jobId, now)
                .value(":true", AttributeValue.fromBool(true))
                .value(":processed", n(done.processedItems()))
                .value(":queued", n(done.queuedSubTasks()));
        try {
            var response = dynamo.updateItem(r -> r.tableName(table)
                    .key(jobKey(jobId))
                    .conditionExpression(e.text("attribute_not_exists(#rootDone)"))
                    .updateExpression(e.text(
                            e.basics() + ", #rootDone = :true ADD #processed :processed, " + "#subTasksQueued :queued"))
                    .expressionAttributeNames(e.names())
                    .expressionAttributeValues(e.values())
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(jobRecord(response.attributes()));
        } catch (ConditionalCheckFailedException counted) {
            return Optional.empty();
        }
    }

    @Override
    public boolean closeJob(String jobId, JobStatus status, Instant now, Duration lease) {
        Expression e = new Expression()
                .value(":inProgress", s(JobStatus.IN_PROGRESS.name()))
                .value(":status", s(status.name()))
                .value(":now", n(now.toEpochMilli()))
                .value(":sending", s("SENDING"))
                .value(":until", n(now.plus(lease).toEpochMilli()));
        return conditionally(
                jobId,
                e,
                "#status = :inProgress",
                "SET #status = :status, #completedAt = :now, #completion = :sending, #sendingUntil = :until");
    }

    @Override
    public boolean claimCompletion(String jobId, Instant now, Duration lease) {
        Expression e = new Expression()
                .value(":pending", s("PENDING"))
                .value(":sending", s("SENDING"))
                .value(":now", n(now.toEpochMilli()))
                .value(":until", n(now.plus(lease).toEpochMilli()));
        return conditionally(
                jobId,
                e,
                "#completion = :pending OR (#completion = :sending AND #sendingUntil < :now)",
                "SET #completion = :sending, #sendingUntil = :until");
    }

    @Override
    public void completionPublished(String jobId, Instant now) {
        Expression e = new Expression().value(":sent", s("SENT"));
        conditionally(jobId, e, "attribute_exists(#completion)", "SET #completion = :sent");
    }

    @Override
    public void completionFailed(String jobId, Instant now) {
        Expression e = new Expression().value(":pending", s("PENDING")).value(":sending", s("SENDING"));
        conditionally(jobId, e, "#completion = :sending", "SET #completion = :pending");
    }

    /** A conditional update of the job's item; false when the condition did not hold. */
    private boolean conditionally(String jobId, Expression e, String condition, String update) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(jobKey(jobId))
                    .conditionExpression(e.text(condition))
                    .updateExpression(e.text(update))
                    .expressionAttributeNames(e.names())
                    .expressionAttributeValues(e.values()));
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    @Override
    public Optional<JobRecord> job(String jobId) {
        Map<String, AttributeValue> item = get(JOB_PREFIX + jobId);
        return item.isEmpty() ? Optional.empty() : Optional.of(jobRecord(item));
    }

    @Override
    public List<JobRecord> jobs() {
        List<JobRecord> jobs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        Expression e = new Expression().value(":job", s("job"));
        String filter = e.text("#kind = :job");
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(r -> r.tableName(table)
                    .filterExpression(filter)
                    .expressionAttributeNames(e.names())
                    .expressionAttributeValues(e.values())
                    .exclusiveStartKey(from));
            page.items().forEach(item -> jobs.add(jobRecord(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        jobs.sort(Comparator.comparing(JobRecord::lastActivity).reversed());
        return jobs;
    }

    // -- pieces --

    /** The job item's update that adds {@code counts} (attribute name to amount) and keeps its basics. */
    private Update jobCount(String jobId, Instant now, Map<String, Long> counts) {
        Expression e = jobBasics(jobId, now);
        StringBuilder add = new StringBuilder();
        counts.forEach((attribute, amount) -> {
            if (amount != 0) {
                String value = ":" + attribute;
                e.value(value, n(amount));
                add.append(add.isEmpty() ? " ADD " : ", ")
                        .append("#")
                        .append(attribute)
                        .append(" ")
                        .append(value);
            }
        });
        return Update.builder()
                .tableName(table)
                .key(jobKey(jobId))
                .updateExpression(e.text(e.basics() + add))
                .expressionAttributeNames(e.names())
                .expressionAttributeValues(e.values())
                .build();
    }

    /** The SET part every job write has: kind, id, first and last activity, status, expiry. */
    private Expression jobBasics(String jobId, Instant now) {
        return new Expression()
                .basics("SET #kind = :job, #jobId = :jobId, #firstActivity = "
                        + "if_not_exists(#firstActivity, :now), #lastActivity = :now, #status = if_not_exists(#status, "
                        + ":inProgress), #expiresAt = :expires")
                .value(":job", s("job"))
                .value(":jobId", s(jobId))
                .value(":now", n(now.toEpochMilli()))
                .value(":inProgress", s(JobStatus.IN_PROGRESS.name()))
                .value(":expires", n(expires(now)));
    }

    /** Runs a sub-task's move and its job's count as one transaction; false when the move's condition failed. */
    private boolean transact(Update record, Update job) {
        try {
            dynamo.transactWriteItems(r -> r.transactItems(t -> t.update(record), t -> t.update(job)));
            return true;
        } catch (TransactionCanceledException e) {
            boolean recordRefused = e.hasCancellationReasons()
                    && !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed"
                            .equals(e.cancellationReasons().getFirst().code());
            if (!recordRefused) {
                throw e;
            }
            return false;
        }
    }

    private JobRecord jobRecord(Map<String, AttributeValue> item) {
        return new JobRecord(
                text(item, "jobId"),
                text(item, "taskType"),
                number(item, "items"),
                number(item, "subTasksQueued"),
                number(item, "processed"),
                number(item, "failedAttempts"),
                number(item, "deadLettered"),
                Instant.ofEpochMilli(number(item, "firstActivity")),
                Instant.ofEpochMilli(number(item, "lastActivity")),
                item.containsKey("status")
                        ? JobStatus.valueOf(item.get("status").s())
                        : JobStatus.IN_PROGRESS,
                item.containsKey("completedAt")
                        ? Optional.of(Instant.ofEpochMilli(number(item, "completedAt")))
                        : Optional.empty());
    }

    private Map<String, AttributeValue> get(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(
                        r -> r.tableName(table).key(Map.of(KEY, s(key))).consistentRead(true))
                .item();
        return item == null ? Map.of() : item;
    }

    private long expires(Instant now) {
        return now.plus(timeToLive).getEpochSecond();
    }

    private static Map<String, AttributeValue> key(TaskId taskId) {
        return Map.of(KEY, s(taskId.toString()));
    }

    private static Map<String, AttributeValue> jobKey(String jobId) {
        return Map.of(KEY, s(JOB_PREFIX + jobId));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? "" : value.s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /**
     * An expression's text with every {@code #name} it uses declared, and the {@code :values} it
     * uses: DynamoDB refuses a declared placeholder an expression does not use.
     */
    private static final class Expression {
        private final Map<String, String> names = new LinkedHashMap<>();
        private final Map<String, AttributeValue> values = new LinkedHashMap<>();
        private final List<String> texts = new ArrayList<>();
        private String basics = "";

        Expression value(String placeholder, AttributeValue value) {
            values.put(placeholder, value);
            return this;
        }

        Expression basics(String text) {
            this.basics = text;
            return this;
        }

        String basics() {
            return basics;
        }

        /** Registers an expression's text, so its names and values are the ones sent. */
        String text(String expression) {
            texts.add(expression);
            java.util.regex.Matcher name =
                    java.util.regex.Pattern.compile("#(\\w+)").matcher(expression);
            while (name.find()) {
                names.put("#" + name.group(1), name.group(1));
            }
            return expression;
        }

        Map<String, String> names() {
            return names;
        }

        /** The values the registered texts use. */
        Map<String, AttributeValue> values() {
            Map<String, AttributeValue> used = new HashMap<>();
            values.forEach((placeholder, value) -> {
                if (texts.stream().anyMatch(text -> text.matches("(?s).*" + placeholder + "\\b.*"))) {
                    used.put(placeholder, value);
                }
            });
            return used;
        }

        Map<String, AttributeValue> only(String... placeholders) {
            Map<String, AttributeValue> used = new HashMap<>();
            for (String placeholder : placeholders) {
                used.put(placeholder, values.get(placeholder));
            }
            return used;
        }
    }
}
