package dev.loadsplitter.engine.batch;

import java.util.List;

/**
 * The partial batch response Lambda reads when the event source mapping has
 * {@code ReportBatchItemFailures}: exactly the records that failed, by message id.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
public record BatchResponse(List<BatchItemFailure> batchItemFailures) {

    public BatchResponse {
        batchItemFailures = List.copyOf(batchItemFailures);
    }

    public record BatchItemFailure(String itemIdentifier) {
    }

    public static BatchResponse of(List<RecordOutcome> outcomes) {
        return new BatchResponse(outcomes.stream()
                .filter(RecordOutcome.Failed.class::isInstance)
                .map(outcome -> new BatchItemFailure(outcome.messageId()))
                .toList());
    }
}
