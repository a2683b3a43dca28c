package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.batch.RecordHandler;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.json.EventJson;
import dev.loadsplitter.engine.internal.split.SplitException;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.message.SubTaskAttribute.ReceivedLineage;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Does one SQS record's task: reads its body and lineage and runs it once per task id; a failure
 * of the last receive counts the sub-task into its job as dead-lettered, and a record from the
 * dead-letter queue is counted and parked.
 */
final class SubTaskRecordHandler<T> implements RecordHandler {

    private static final Logger log = LoggerFactory.getLogger(SubTaskRecordHandler.class);

    private final TaskType<T> type;
    private final ObjectMapper json;
    private final TaskRunner<T> runner;
    private final OncePerTask once;
    private final ProcessingRecords records;
    private final JobCompletion completion;
    private final DeadLetters deadLetters;
    private final Clock clock;

    SubTaskRecordHandler(EngineParts<T> parts, TaskRunner<T> runner) {
        this.type = parts.type();
        this.json = parts.json();
        this.runner = Objects.requireNonNull(runner, "runner");
        this.records = parts.records();
        this.completion = parts.completion();
        this.deadLetters = parts.deadLetters();
        this.clock = parts.clock();
        this.once = new OncePerTask(records, completion, clock);
    }

    /**
     * What handling one record came to.
     *
     * @param summary a few words for logs and the batch processor
     * @param result the task's run, when it ran (not ignored, not a duplicate, not a dead letter)
     */
    record Handled(String summary, Optional<TaskRunner.Result> result) {}

    @Override
    public String handle(SqsRecord record, Invocation invocation) throws Exception {
        return handleRecord(record, invocation).summary();
    }

    /** Handles one record, as {@link #handle}, and says what the task's run came to. */
    Handled handleRecord(SqsRecord record, Invocation invocation) throws Exception {
        ReceivedLineage received = SubTaskAttribute.lineageOf(record.messageAttributes());
        // The record's keys go on every log line written for it (Lambda's JSON log format shows them).
        MDC.put(LogKeys.MESSAGE_ID, record.messageId());
        if (received instanceof ReceivedLineage.Known known) {
            MDC.put(LogKeys.JOB_ID, known.lineage().jobId());
            MDC.put(LogKeys.PART_ID, known.lineage().partId());
        }
        try {
            if (deadLetters.isDeadLetter(record)) {
                return new Handled(deadLetter(record, received), Optional.empty());
            }
            return run(record, received, invocation);
        } catch (Exception e) {
            Exception failure = e instanceof OncePerTask.AttemptFailed failed ? failed.failure() : e;
            int attempt = e instanceof OncePerTask.AttemptFailed failed ? failed.attempt() : 0;
            if (received instanceof ReceivedLineage.Known known && deadLetters.isLastAttempt(record, attempt)) {
                // SQS moves the message to the DLQ after this receive, or Lambda sends the invocation to its
                // on-failure destination after this attempt: its items are counted now.
                String last = record.receiveCount() > 0
                        ? "receive (" + record.receiveCount() + ")"
                        : "asynchronous attempt (" + attempt + ")";
                known.lineage()
                        .taskId()
                        .ifPresent(id -> completion.afterCount(records.markDeadLettered(
                                id,
                                itemsOf(record),
                                "failed its last " + last + ": " + failure.getMessage(),
                                clock.instant())));
            }
            throw failure;
        } finally {
            MDC.remove(LogKeys.MESSAGE_ID);
            MDC.remove(LogKeys.JOB_ID);
            MDC.remove(LogKeys.PART_ID);
        }
    }

    private Handled run(SqsRecord record, ReceivedLineage received, Invocation invocation) throws Exception {
        String body = record.body().orElseThrow(() -> new InvalidTaskException("the record has no body"));
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidTaskException(EventJson.describe("the body", e));
        }
        return switch (TaskReading.read(type, event)) {
            case Reading.Invalid<T> invalid ->
                throw new InvalidTaskException(
                        "the body is not a valid " + type.name() + " task: " + invalid.describe());
            case Reading.Ignored<T> ignored -> {
                log.info("messageId={}: ignored: {}", record.messageId(), ignored.reason());
                yield new Handled("ignored", Optional.empty());
            }
            case Reading.Accepted<T> accepted -> {
                Lineage lineage = lineageOf(received, event);
                MDC.put(LogKeys.JOB_ID, lineage.jobId());
                Optional<SubTask.Continuation> continuation =
                        received instanceof ReceivedLineage.Known known ? known.continuation() : Optional.empty();
                Deadline deadline = Deadline.of(invocation, clock);
                if (lineage.taskId().isEmpty()) {
                    records.startJob(lineage.jobId(), type.name(), countOf(accepted.task()), clock.instant());
                }
                String where = "messageId=" + record.messageId() + ", " + lineage.describe();
                Optional<TaskRunner.Result> result = once.run(lineage, invocation, where, () -> {
                    try {
                        // A dead-lettered split counts only the items it had not queued yet.
                        TaskRunner.Progress progress = lineage.taskId()
                                .<TaskRunner.Progress>map(id -> items -> records.markQueued(id, items, clock.instant()))
                                .orElse(TaskRunner.Progress.NONE);
                        return runner.run(
                                accepted.task(), lineage, record.messageId(), deadline, continuation, progress);
                    } catch (SplitException | TaskTypeException e) {
                        throw new InvalidTaskException(e.getMessage());
                    }
                });
                String summary =
                        result.map(done -> done.describe(type.itemNoun())).orElse("duplicate");
                if (result.isPresent()) {
                    log.info("{}: {}", where, summary);
                }
                yield new Handled(summary, result);
            }
        };
    }

    private int countOf(T task) throws InvalidTaskException {
        try {
            return runner.count(task);
        } catch (TaskTypeException e) {
            throw new InvalidTaskException(e.getMessage());
        }
    }

    /** A record of the dead-letter queue: counted into its job, once, and parked for redrive. */
    private String deadLetter(SqsRecord record, ReceivedLineage received) {
        if (received instanceof ReceivedLineage.Known known) {
            known.lineage()
                    .taskId()
                    .ifPresent(id -> completion.afterCount(records.markDeadLettered(
                            id,
                            itemsOf(record),
                            "dead-lettered after " + deadLetters.maxReceiveCount() + " receives",
                            clock.instant())));
        }
        deadLetters.parking().park(record);
        log.info(
                "messageId={}: dead-lettered; counted into its job and parked for 'load-splitter dlq'",
                record.messageId());
        return "parked";
    }

    private static int itemsOf(SqsRecord record) {
        return SubTaskAttribute.ITEM_COUNT.intIn(record.messageAttributes(), 1);
    }

    private static Lineage lineageOf(ReceivedLineage received, JsonNode event) throws InvalidTaskException {
        return switch (received) {
            case ReceivedLineage.Known known -> known.lineage();
            case ReceivedLineage.Absent absent -> new Lineage(JobIds.derive(event), "", absent.depth());
            case ReceivedLineage.Malformed malformed -> throw new InvalidTaskException(malformed.describe());
        };
    }
}
