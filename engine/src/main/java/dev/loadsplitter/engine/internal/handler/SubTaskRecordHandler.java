package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.ledger.UnknownJobException;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.message.SubTaskAttribute.ReceivedLineage;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Does one SQS record's task: reads its body and lineage and runs it under the ledger. A failure
 * of the last receive counts the task's open items as dead-lettered; a record that can never
 * succeed (a body that is not a task, a split the policy forbids) is counted, parked and
 * acknowledged at once; a record of the dead-letter queue is counted, unless another invocation
 * still holds it, and parked.
 */
final class SubTaskRecordHandler<T> {

    private static final Logger log = LoggerFactory.getLogger(SubTaskRecordHandler.class);

    private final TaskType<T> type;
    private final ObjectMapper json;
    private final TaskRunner<T> runner;
    private final LedgeredTask<T> ledgered;
    private final JobLedger ledger;
    private final DeadLetters deadLetters;
    private final int maxItemsPerTask;

    SubTaskRecordHandler(EngineParts<T> parts, TaskRunner<T> runner) {
        this.type = parts.type();
        this.json = parts.json();
        this.runner = Objects.requireNonNull(runner, "runner");
        this.ledgered = new LedgeredTask<>(parts, runner);
        this.ledger = parts.ledger();
        this.deadLetters = parts.deadLetters();
        this.maxItemsPerTask = parts.splitter().policy().maxItemsPerTask();
    }

    /**
     * What handling one record came to.
     *
     * @param summary a few words for logs and the batch processor
     * @param result the task's run, when it ran (not ignored, not a duplicate, not a dead letter)
     */
    record Handled(String summary, Optional<TaskRunner.Result> result) {}

    /**
     * Handles one record of an invocation whose jobs {@code scope} gathers.
     *
     * @throws Exception what failed the record's work, with its causes; the record comes back
     */
    Handled handle(SqsRecord record, Invocation invocation, JobScope scope) throws Exception {
        return handle(record, invocation, scope, deadLetters.isDeadLetter(record));
    }

    /**
     * Handles a sub-task as a record of the dead-letter queue, wherever it came from: a sub-task an
     * asynchronous invocation delivered ({@code DISPATCH=invoke}) that failed every attempt and
     * reached the failed-events queue. A split is finished; a leaf is counted and parked.
     */
    Handled handleAsDeadLetter(SqsRecord record, Invocation invocation, JobScope scope) throws Exception {
        return handle(record, invocation, scope, true);
    }

    private Handled handle(SqsRecord record, Invocation invocation, JobScope scope, boolean deadLetter)
            throws Exception {
        ReceivedLineage received = SubTaskAttribute.lineageOf(record.messageAttributes());
        // The record's keys go on every log line written for it (Lambda's JSON log format shows them).
        MDC.put(LogKeys.MESSAGE_ID, record.messageId());
        if (received instanceof ReceivedLineage.Known known) {
            MDC.put(LogKeys.JOB_ID, known.lineage().jobId());
            MDC.put(LogKeys.PART_ID, known.lineage().partId());
            scope.recordOf(record.messageId(), known.lineage().jobId());
        }
        LedgeredTask.Delivery delivery = new LedgeredTask.Delivery(
                invocation.requestId() + "/" + record.messageId(),
                record.messageId(),
                attempt -> deadLetters.isLastAttempt(record, attempt),
                invocation,
                scope,
                // A parked dead letter sent back (by load-splitter dlq redrive, or SQS's own redrive of the parked
                // queue) carries the id it had in the dead-letter queue: a redrive.
                record.attribute(dev.loadsplitter.engine.message.SubTaskAttribute.PARKED_FROM)
                        .isPresent(),
                // From the work queue, a split's last failure takes it to the dead-letter queue, whose
                // consumer (below) finishes queuing its parts.
                deadLetters.finishesSplits() && !deadLetter);
        try {
            if (deadLetter) {
                return new Handled(deadLetter(record, received, delivery), Optional.empty());
            }
            return run(record, received, delivery);
        } finally {
            MDC.remove(LogKeys.MESSAGE_ID);
            MDC.remove(LogKeys.JOB_ID);
            MDC.remove(LogKeys.PART_ID);
        }
    }

    private Handled run(SqsRecord record, ReceivedLineage received, LedgeredTask.Delivery delivery) throws Exception {
        String where = "messageId=" + record.messageId()
                + (received instanceof ReceivedLineage.Known known
                        ? ", " + known.lineage().describe()
                        : "");
        T task;
        JsonNode event;
        try {
            String body = record.body().orElseThrow(() -> new InvalidTaskException("the record has no body"));
            try {
                event = json.readTree(body);
            } catch (JacksonException e) {
                throw new InvalidTaskException(EventJson.describe("the body", e), e);
            }
            task = switch (TaskReading.read(type, event)) {
                case Reading.Invalid<T> invalid ->
                    throw new InvalidTaskException(
                            "the body is not a valid " + type.name() + " task: " + invalid.describe());
                case Reading.Ignored<T> ignored -> {
                    log.info("{}: ignored: {}", where, ignored.reason());
                    yield null;
                }
                case Reading.Accepted<T> accepted -> accepted.task();
            };
            if (received instanceof ReceivedLineage.Malformed malformed) {
                throw new InvalidTaskException(malformed.describe());
            }
        } catch (InvalidTaskException e) {
            return new Handled(permanentlyFailed(record, received, delivery, where, e), Optional.empty());
        }
        if (task == null) {
            return new Handled("ignored", Optional.empty());
        }
        int items;
        try {
            items = runner.count(task);
        } catch (TaskTypeException e) {
            return new Handled(
                    permanentlyFailed(record, received, delivery, where, new InvalidTaskException(e.getMessage(), e)),
                    Optional.empty());
        }
        Lineage lineage;
        Optional<SubTask.Continuation> continuation = Optional.empty();
        if (received instanceof ReceivedLineage.Known known) {
            lineage = known.lineage();
            continuation = known.continuation();
        } else {
            // A task someone else put on the queue: the original task of a job of its own.
            lineage = Lineage.root(JobIds.derive(event));
            MDC.put(LogKeys.JOB_ID, lineage.jobId());
            delivery.scope().recordOf(record.messageId(), lineage.jobId());
            ledger.startJob(lineage.jobId(), type.name(), items);
            where = "messageId=" + record.messageId() + ", " + lineage.describe();
        }
        LedgeredTask.Ran ran;
        try {
            ran = ledgered.run(task, items, lineage, continuation, delivery);
        } catch (LedgeredTask.Failed failed) {
            if (failed.permanent() && deadLetters.canPark()) {
                log.warn(
                        "{}: can never succeed, so it is dead-lettered at once and parked: {}",
                        where,
                        failed.failure().getMessage(),
                        failed.failure());
                deadLetters.parking().park(record);
                return new Handled("dead-lettered at once and parked", Optional.empty());
            }
            throw failed.failure();
        }
        String summary = switch (ran) {
            case LedgeredTask.Ran.Worked worked -> worked.result().describe(type.itemNoun());
            case LedgeredTask.Ran.Duplicate duplicate -> {
                log.info(
                        "{}: duplicate of a sub-task done at {}; acknowledged without processing it again",
                        where,
                        duplicate.at());
                yield "duplicate";
            }
            case LedgeredTask.Ran.Skipped skipped ->
                "skipped " + type.itemNoun().count((int) skipped.items()) + ": the job was stopped (" + skipped.why()
                        + ")";
        };
        if (!(ran instanceof LedgeredTask.Ran.Duplicate)) {
            log.info("{}: {}", where, summary);
        }
        return new Handled(
                summary,
                ran instanceof LedgeredTask.Ran.Worked worked ? Optional.of(worked.result()) : Optional.empty());
    }

    /**
     * A record that can never succeed: its items are counted as dead-lettered (when it names them),
     * and it is parked and acknowledged; without a parked queue it fails, and SQS dead-letters it.
     */
    private String permanentlyFailed(
            SqsRecord record,
            ReceivedLineage received,
            LedgeredTask.Delivery delivery,
            String where,
            InvalidTaskException e)
            throws Exception {
        if (received instanceof ReceivedLineage.Known known) {
            int items = itemsOf(record);
            boolean splits = known.continuation().isPresent() || items > maxItemsPerTask;
            try {
                if (!ledgered.deadLetter(known.lineage(), items, splits, delivery, e)) {
                    throw new TaskBusyException(where + " is held by another invocation; it comes back later");
                }
            } catch (UnknownJobException unknown) {
                log.warn("{}: {}", where, unknown.getMessage());
            }
        }
        if (!deadLetters.canPark()) {
            throw e;
        }
        log.warn("{}: can never succeed, so it is dead-lettered at once and parked: {}", where, e.getMessage(), e);
        deadLetters.parking().park(record);
        return "dead-lettered at once and parked";
    }

    /**
     * A record of the dead-letter queue. A leaf's open items are counted as dead-lettered, and it is
     * parked for redrive. A split's parts are queued instead, as far as its attempts had not queued
     * them: an attempt may have queued parts and died before it recorded so, so counting its items
     * dead-lettered could count items whose parts are still on their way, and close the job early.
     */
    private String deadLetter(SqsRecord record, ReceivedLineage received, LedgeredTask.Delivery delivery)
            throws Exception {
        if (received instanceof ReceivedLineage.Known known) {
            int items = itemsOf(record);
            boolean splits = known.continuation().isPresent() || items > maxItemsPerTask;
            if (splits) {
                LedgeredTask.Delivery finishing = new LedgeredTask.Delivery(
                        delivery.owner(),
                        delivery.sourceId(),
                        attempt -> false,
                        delivery.invocation(),
                        delivery.scope(),
                        false,
                        false);
                Handled handled = run(record, received, finishing);
                log.info(
                        "messageId={}: a dead-lettered split, finished here: {}",
                        record.messageId(),
                        handled.summary());
                return "finished a dead-lettered split: " + handled.summary();
            }
            Exception reason = new IllegalStateException(
                    record.receiveCount() > 0
                            ? "dead-lettered after " + deadLetters.maxReceiveCount() + " receives"
                            : "failed every one of Lambda's " + deadLetters.invokeMaxAttempts()
                                    + " asynchronous attempts");
            try {
                if (!ledgered.deadLetter(known.lineage(), items, splits, delivery, reason)) {
                    throw new TaskBusyException("dead letter " + known.lineage().describe()
                            + " is still held by a live invocation; it is counted once that ends");
                }
            } catch (UnknownJobException unknown) {
                log.warn("messageId={}: {}", record.messageId(), unknown.getMessage());
            }
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
}
