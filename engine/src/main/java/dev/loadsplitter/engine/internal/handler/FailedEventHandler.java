package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.queue.SubTaskEnvelope;
import dev.loadsplitter.engine.message.InvocationRecord;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Does one record of the failed-events queue (FAILED_EVENTS_QUEUE_ARN), Lambda's on-failure
 * destination: an invocation record whose event failed every asynchronous attempt. The event runs
 * again as what it is, once more, under the ledger, so nothing is counted twice:
 *
 * <ul>
 *   <li>an original event finishes its job's root task: a split queues the parts its attempts had
 *       not queued (the same ids and item ranges, so a part queued twice is processed once), a job
 *       done already is a duplicate and queues nothing; a small task that fails again has its open
 *       items counted as dead-lettered, and the event is parked for redrive;
 *   <li>a sub-task an asynchronous invocation delivered ({@code DISPATCH=invoke}) is handled as the
 *       dead-letter queue's consumer handles one: a split is finished, a leaf counted and parked.
 * </ul>
 *
 * <p>A record that can never run (not an invocation record, or an event the task type rejects) is
 * parked as the dead-letter queue's consumer parks one, not failed: failing it would bring it back
 * every visibility timeout until the queue's retention ends. A split that fails again (a send that
 * failed, its root claim held by a live invocation) fails its record, which comes back, up to
 * MAX_RECEIVE_COUNT receives; then its event is parked (the queue has no redrive policy to bound it).
 */
final class FailedEventHandler<T> {

    private static final Logger log = LoggerFactory.getLogger(FailedEventHandler.class);

    private final TaskType<T> type;
    private final ObjectMapper json;
    private final TaskRunner<T> runner;
    private final LedgeredTask<T> ledgered;
    private final JobLedger ledger;
    private final DeadLetters deadLetters;
    private final SubTaskRecordHandler<T> subTasks;

    FailedEventHandler(EngineParts<T> parts, TaskRunner<T> runner, SubTaskRecordHandler<T> subTasks) {
        this.type = parts.type();
        this.json = parts.json();
        this.runner = Objects.requireNonNull(runner, "runner");
        this.ledgered = new LedgeredTask<>(parts, runner);
        this.ledger = parts.ledger();
        this.deadLetters = parts.deadLetters();
        this.subTasks = Objects.requireNonNull(subTasks, "subTasks");
    }

    /**
     * Handles one record of the failed-events queue.
     *
     * @return a few words for logs and the batch processor
     * @throws Exception what failed the event again; the record comes back
     */
    String handle(SqsRecord record, Invocation invocation, JobScope scope) throws Exception {
        MDC.put(LogKeys.MESSAGE_ID, record.messageId());
        try {
            Optional<InvocationRecord> read = invocationRecord(record);
            if (read.isEmpty()) {
                log.warn(
                        "messageId={}: a record of the failed-events queue that is not a Lambda invocation record (an "
                                + "object with requestContext and a requestPayload event); parked as it is for "
                                + "'load-splitter dlq list'",
                        record.messageId());
                deadLetters.parking().park(record);
                return "not an invocation record; parked";
            }
            InvocationRecord failed = read.get();
            JsonNode payload = failed.requestPayload();
            if (record.receiveCount() > deadLetters.maxReceiveCount()) {
                // The failed-events queue has no redrive policy of its own: without a bound, an event that fails
                // before it even opens its job (so no deadline stops it) would run every visibility timeout until
                // the queue's retention ends.
                log.warn(
                        "messageId={}: a failed event that failed again on {} receives (MAX_RECEIVE_COUNT {}); parked for "
                                + "'load-splitter dlq redrive', its job's open items wait for that or its deadline",
                        record.messageId(),
                        record.receiveCount() - 1,
                        deadLetters.maxReceiveCount());
                park(record, payload);
                return "failed on every receive; parked";
            }
            if (SweepHandler.isSweep(payload)) {
                log.info(
                        "messageId={}: a sweep that failed every attempt; acknowledged, the schedule's next tick sweeps",
                        record.messageId());
                return "a failed sweep; the next tick sweeps";
            }
            if (SubTaskEnvelope.isEnvelope(payload)) {
                SqsRecord subTask =
                        SubTaskEnvelope.read(payload, record.messageId()).orElseThrow();
                return "a sub-task that failed every attempt: "
                        + subTasks.handleAsDeadLetter(subTask, invocation, scope)
                                .summary();
            }
            return replay(record, failed, payload, invocation, scope);
        } finally {
            MDC.remove(LogKeys.MESSAGE_ID);
            MDC.remove(LogKeys.JOB_ID);
        }
    }

    private Optional<InvocationRecord> invocationRecord(SqsRecord record) {
        if (record.body().isEmpty()) {
            return Optional.empty();
        }
        try {
            return InvocationRecord.read(json.readTree(record.body().get()));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** Runs an original event again as its job's root task. */
    private String replay(
            SqsRecord record, InvocationRecord failed, JsonNode event, Invocation invocation, JobScope scope)
            throws Exception {
        String where = "messageId=" + record.messageId() + " (failed event of request " + failed.requestId() + ", "
                + failed.condition() + ")";
        T task;
        switch (TaskReading.read(type, event)) {
            case Reading.Invalid<T> invalid -> {
                return parked(record, event, where, "invalid event argument: " + invalid.describe());
            }
            case Reading.Ignored<T> ignored -> {
                log.info("{}: event was ignored: {}", where, ignored.reason());
                return "ignored";
            }
            case Reading.Accepted<T> accepted -> task = accepted.task();
        }
        int items;
        try {
            items = runner.count(task);
        } catch (TaskTypeException e) {
            return parked(record, event, where, "invalid event argument: " + e.getMessage());
        }
        Lineage lineage = Lineage.root(JobIds.derive(event));
        MDC.put(LogKeys.JOB_ID, lineage.jobId());
        scope.recordOf(record.messageId(), lineage.jobId());
        where = where + ", " + lineage.describe();
        LedgeredTask.Delivery delivery = new LedgeredTask.Delivery(
                // No '/' in the owner: a repeated delivery of this record is never mistaken for the message that
                // dead-lettered the task (LedgeredTask.sameMessage), which would keep it failing.
                "failed-event:" + record.messageId() + "@" + invocation.requestId(),
                record.messageId(),
                // Lambda's attempts are spent: a small task failing once more is counted as dead-lettered...
                attempt -> true,
                invocation,
                scope,
                false,
                // ...but a split never is: this consumer finishes it, so its failure fails the record, which comes
                // back.
                true);
        ledger.startJob(lineage.jobId(), type.name(), items);
        LedgeredTask.Ran ran;
        try {
            ran = ledgered.run(task, items, lineage, Optional.empty(), delivery);
        } catch (LedgeredTask.Failed failure) {
            if (!failure.deadLettered()) {
                throw failure.failure();
            }
            log.warn(
                    "{}: failed once more after every asynchronous attempt; its open {} are counted as dead-lettered "
                            + "and the event is parked for 'load-splitter dlq redrive': {}",
                    where,
                    type.itemNoun().plural(),
                    failure.failure().getMessage(),
                    failure.failure());
            park(record, event);
            return "dead-lettered and parked";
        }
        String summary = switch (ran) {
            case LedgeredTask.Ran.Worked worked ->
                "finished the failed event: " + worked.result().describe(type.itemNoun());
            case LedgeredTask.Ran.Duplicate duplicate ->
                "a duplicate of its job's root task, done at " + duplicate.at() + "; nothing queued again";
            case LedgeredTask.Ran.Skipped skipped ->
                "skipped " + type.itemNoun().count((int) skipped.items()) + ": the job was stopped (" + skipped.why()
                        + ")";
        };
        log.info("{}: {}", where, summary);
        return summary;
    }

    /** An event that can never run: parked, so it is neither lost nor tried again for ever. */
    private String parked(SqsRecord record, JsonNode event, String where, String why) throws JsonProcessingException {
        log.warn("{}: {}; the event can never succeed, so it is parked", where, why);
        park(record, event);
        return "can never succeed; parked";
    }

    /**
     * Parks the event itself, not its invocation record: redriven from the parked queue to the work
     * queue, it is the original task of its job again (the same job id), and its dead-lettered items reopen.
     */
    private void park(SqsRecord record, JsonNode event) throws JsonProcessingException {
        String body = json.writeValueAsString(event);
        deadLetters
                .parking()
                .park(new SqsRecord(
                        record.messageId(),
                        Optional.of(body),
                        Map.of(),
                        record.receiveCount(),
                        record.eventSourceArn()));
    }
}
