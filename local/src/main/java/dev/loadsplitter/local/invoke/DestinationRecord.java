package dev.loadsplitter.local.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The invocation record Lambda sends to an asynchronous invocation's on-failure destination once
 * every attempt failed: the event ({@code requestPayload}), why ({@code condition}, the last
 * {@code responsePayload}), and how many attempts were made. Written here by the local runtime and
 * read here by {@code dlq list|redrive}, so it has one home.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 *
 * @param requestId the last attempt's request id
 * @param functionArn the function's ARN, with {@code :$LATEST}
 * @param condition {@code RetriesExhausted} or {@code EventAgeExceeded}
 * @param attempts how many times the event was invoked
 * @param at when it was given up
 * @param requestPayload the event, as it was invoked
 * @param responsePayload the last attempt's error, {@code {"errorMessage":…,"errorType":…}}
 */
public record DestinationRecord(
        String requestId,
        String functionArn,
        String condition,
        int attempts,
        Instant at,
        JsonNode requestPayload,
        JsonNode responsePayload) {

    public DestinationRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(functionArn, "functionArn");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(requestPayload, "requestPayload");
        Objects.requireNonNull(responsePayload, "responsePayload");
    }

    /** The record as Lambda writes it. */
    public ObjectNode toJson() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode root = nodes.objectNode();
        root.put("version", "1.0");
        root.put("timestamp", at.toString());
        ObjectNode request = root.putObject("requestContext");
        request.put("requestId", requestId);
        request.put("functionArn", functionArn);
        request.put("condition", condition);
        request.put("approximateInvokeCount", attempts);
        root.set("requestPayload", requestPayload);
        ObjectNode response = root.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        response.put("functionError", "Unhandled");
        root.set("responsePayload", responsePayload);
        return root;
    }

    /** Reads a message body as a destination record; empty when it is not one (a dead-lettered sub-task, say). */
    public static Optional<DestinationRecord> read(ObjectMapper json, String body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (root == null
                || !root.isObject()
                || !root.path("requestContext").isObject()
                || !root.has("requestPayload")) {
            return Optional.empty();
        }
        JsonNode request = root.get("requestContext");
        Instant at;
        try {
            at = Instant.parse(root.path("timestamp").asText(""));
        } catch (RuntimeException e) {
            at = Instant.EPOCH;
        }
        return Optional.of(new DestinationRecord(
                request.path("requestId").asText(""),
                request.path("functionArn").asText(""),
                request.path("condition").asText(""),
                request.path("approximateInvokeCount").asInt(0),
                at,
                root.get("requestPayload"),
                root.path("responsePayload").isMissingNode()
                        ? JsonNodeFactory.instance.nullNode()
                        : root.get("responsePayload")));
    }

    /** The last error's message, or its whole payload when it has none. */
    public String errorMessage() {
        return responsePayload.path("errorMessage").asText(responsePayload.toString());
    }
}
