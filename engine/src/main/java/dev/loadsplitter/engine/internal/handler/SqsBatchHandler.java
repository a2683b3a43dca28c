package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.batch.BatchProcessor;
import dev.loadsplitter.engine.internal.batch.RecordOutcome;
import dev.loadsplitter.engine.message.BatchResponse;
import dev.loadsplitter.engine.message.SqsRecord;
import java.util.ArrayList;
import java.util.List;

/** Answers an SQS batch with the partial batch response, each record handled on its own. */
final class SqsBatchHandler<T> {

    private final BatchProcessor processor;

    SqsBatchHandler(EngineParts<T> parts, TaskRunner<T> runner) {
        SubTaskRecordHandler<T> records = new SubTaskRecordHandler<>(parts, runner);
        this.processor = new BatchProcessor(records, parts.executor(), parts.recordConcurrency());
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
        List<SqsRecord> records = new ArrayList<>(recordNodes.size());
        recordNodes.forEach(node -> records.add(SqsRecord.from(node)));
        List<RecordOutcome> outcomes;
        try {
            outcomes = processor.process(records, invocation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException("requestId=" + invocation.requestId()
                    + ": interrupted while processing a batch of " + records.size() + " records");
        }
        return new BatchResponse(outcomes.stream()
                .filter(RecordOutcome.Failed.class::isInstance)
                .map(RecordOutcome::messageId)
                .toList());
    }
}
