package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The invocation record Lambda sends to an asynchronous invocation's on-failure destination once
 * every attempt failed, as the function reads it back from the failed-events queue: the event
 * ({@code requestPayload}), why it was given up ({@code requestContext.condition}) and the last
 * attempt's request id.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 *
 * @param requestId the last attempt's request id; empty when the record names none
 * @param condition {@code RetriesExhausted} or {@code EventAgeExceeded}; empty when the record names none
 * @param requestPayload the event, as it was invoked
 */
public record InvocationRecord(String requestId, String condition, JsonNode requestPayload) {

    public InvocationRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(requestPayload, "requestPayload");
    }

    /**
     * Reads a message body as an invocation record: an object with a {@code requestContext} object
     * and a {@code requestPayload} that is an event (a JSON object); empty when it is not one.
     */
    public static Optional<InvocationRecord> read(JsonNode root) {
        if (root == null
                || !root.isObject()
                || !root.path("requestContext").isObject()
                || !root.path("requestPayload").isObject()) {
            return Optional.empty();
        }
        JsonNode request = root.get("requestContext");
        return Optional.of(new InvocationRecord(
                request.path("requestId").asText(""),
                request.path("condition").asText(""),
                root.get("requestPayload")));
    }
}
