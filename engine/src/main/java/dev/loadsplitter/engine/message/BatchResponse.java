package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The partial batch response Lambda reads when the event source mapping has
 * {@code ReportBatchItemFailures}: {@code {"batchItemFailures":[{"itemIdentifier":"<messageId>"}]}},
 * naming exactly the records that failed. The function writes it here, and the local runtime's
 * event source mapping and run reports read it here, with Lambda's rules for a response that
 * breaks the contract.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * @param failedMessageIds the message ids of the records that failed, in batch order
 */
public record BatchResponse(List<String> failedMessageIds) {

    public BatchResponse {
        failedMessageIds = List.copyOf(failedMessageIds);
    }

    /** The response as Lambda expects it. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        var failures = node.putArray("batchItemFailures");
        failedMessageIds.forEach(id -> failures.addObject().put("itemIdentifier", id));
        return node;
    }

    /**
     * Reads a function's answer to a batch the way Lambda does. No answer, {@code null}, an answer
     * without {@code batchItemFailures} or with an empty list means every record succeeded. An
     * answer that is not a JSON object, a {@code batchItemFailures} that is not a list, or an item
     * whose {@code itemIdentifier} is missing, empty, or not a message id of the batch fails the
     * whole batch.
     *
     * @param answer the function's response, already parsed; {@code null} or a missing node for none
     * @param batch the message ids of the records in the batch
     */
    public static Outcome read(JsonNode answer, Collection<String> batch) {
        if (answer == null || answer.isMissingNode() || answer.isNull()) {
            return new Outcome.Failed(Set.of());
        }
        if (!answer.isObject()) {
            return new Outcome.BrokenContract("the response is not a JSON object", batch);
        }
        JsonNode failures = answer.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return new Outcome.Failed(Set.of());
        }
        if (!failures.isArray()) {
            return new Outcome.BrokenContract("batchItemFailures is not a list", batch);
        }
        Set<String> inBatch = Set.copyOf(batch);
        Set<String> failed = new LinkedHashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                return new Outcome.BrokenContract("an item of batchItemFailures has no itemIdentifier", batch);
            }
            if (!inBatch.contains(id.asText())) {
                return new Outcome.BrokenContract(
                        "batchItemFailures names '" + id.asText() + "', which is not in the batch", batch);
            }
            failed.add(id.asText());
        }
        return new Outcome.Failed(failed);
    }

    /** What a function's answer to a batch means for its records. */
    public sealed interface Outcome {

        /** The records to keep on the queue: those that failed. */
        Set<String> failedMessageIds();

        /** The answer follows the contract: exactly these records failed. */
        record Failed(Set<String> failedMessageIds) implements Outcome {
            public Failed {
                failedMessageIds = Set.copyOf(failedMessageIds);
            }
        }

        /** The answer breaks the contract, so Lambda fails the whole batch. */
        record BrokenContract(String reason, Set<String> failedMessageIds) implements Outcome {
            public BrokenContract {
                Objects.requireNonNull(reason, "reason");
                failedMessageIds = Set.copyOf(failedMessageIds);
            }

            BrokenContract(String reason, Collection<String> batch) {
                this(reason, Set.copyOf(batch));
            }
        }
    }
}
