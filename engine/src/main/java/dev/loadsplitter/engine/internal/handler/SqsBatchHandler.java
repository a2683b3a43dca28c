package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.batch.BatchProcessor;
import dev.loadsplitter.engine.internal.batch.RecordOutcome;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.message.BatchResponse;
import dev.loadsplitter.engine.message.SqsRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an SQS batch with the partial batch response, each record handled on its own (a record of
 * the failed-events queue, a Lambda invocation record, by {@link FailedEventHandler}); before it
 * answers, it settles every job its records counted into (closes it if complete, publishes its
 * event). Should settling a job fail, that job's records are reported failed, so they come back and
 * their redelivery settles it: a record is deleted only once its job is settled.
 */
final class SqsBatchHandler<T> {

    private static final Logger log = LoggerFactory.getLogger(SqsBatchHandler.class);

    private final SubTaskRecordHandler<T> records;
    private final FailedEventHandler<T> failedEvents;
    private final DeadLetters deadLetters;
    private final BatchProcessor processor;
    private final JobLedger ledger;
    private final JobCompletion completion;

    SqsBatchHandler(EngineParts<T> parts, TaskRunner<T> runner) {
        this.records = new SubTaskRecordHandler<>(parts, runner);
        this.failedEvents = new FailedEventHandler<>(parts, runner, records);
        this.deadLetters = parts.deadLetters();
        this.processor = new BatchProcessor(parts.executor(), parts.recordConcurrency());
        this.ledger = parts.ledger();
        this.completion = parts.completion();
    }

    /** Whether {@code event} is an SQS batch: a non-empty {@code Records} list with an {@code aws:sqs} record. */
    static boolean isSqsBatch(JsonNode event) {
        JsonNode records = event == null ? null : event.get("Records");
        if (records == null || !records.isArray() || records.isEmpty()) {
            return false;
        }
        for (JsonNode record : records) {
            if ("aws:sqs".equals(record.path("eventSource").asText(null))) {
                return true;
            }
        }
        return false;
    }

    BatchResponse handle(JsonNode recordNodes, Invocation invocation) {
        List<SqsRecord> batch = new ArrayList<>(recordNodes.size());
        recordNodes.forEach(node -> batch.add(SqsRecord.from(node)));
        JobScope scope = new JobScope(ledger);
        List<RecordOutcome> outcomes;
        try {
            outcomes = processor.process(
                    batch,
                    invocation,
                    (record, in) -> deadLetters.isFailedEvent(record)
                            ? failedEvents.handle(record, in, scope)
                            : records.handle(record, in, scope).summary());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException(
                    "requestId=" + invocation.requestId() + ": interrupted while processing a batch of " + batch.size()
                            + " records",
                    e);
        }
        Map<String, RuntimeException> unsettled = new HashMap<>();
        for (String jobId : scope.touched()) {
            try {
                completion.settle(jobId, invocation.requestId(), invocation.remainingTime());
            } catch (RuntimeException e) {
                unsettled.put(jobId, e);
                log.warn(
                        "requestId={}, job={}: could not settle the job (close it, publish its event); its records "
                                + "come back and settle it then",
                        invocation.requestId(),
                        jobId,
                        e);
            }
        }
        List<String> failed = new ArrayList<>();
        for (RecordOutcome outcome : outcomes) {
            boolean jobUnsettled =
                    scope.jobOf(outcome.messageId()).map(unsettled::containsKey).orElse(false);
            if (outcome instanceof RecordOutcome.Failed || jobUnsettled) {
                failed.add(outcome.messageId());
            }
        }
        return new BatchResponse(failed);
    }
}
