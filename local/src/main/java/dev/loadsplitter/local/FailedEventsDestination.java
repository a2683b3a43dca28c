package dev.loadsplitter.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.invoke.DestinationRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The asynchronous invocations' on-failure destination: sends each event that failed every attempt
 * to the failed-events queue, as Lambda's invocation record.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
final class FailedEventsDestination implements Consumer<AsyncInvoker.FailedEvent> {

    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;
    private final String functionArn;
    private final Clock clock;

    FailedEventsDestination(SqsClient sqs, String queueUrl, ObjectMapper json, String functionArn, Clock clock) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.json = Objects.requireNonNull(json, "json");
        this.functionArn = Objects.requireNonNull(functionArn, "functionArn");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void accept(AsyncInvoker.FailedEvent failed) {
        String body =
                record(json, functionArn, failed, clock.instant()).toJson().toString();
        sqs.sendMessage(request -> request.queueUrl(queueUrl).messageBody(body));
    }

    /**
     * Lambda's invocation record for an event that failed every attempt: a payload or error that is
     * not JSON is kept as text.
     */
    static DestinationRecord record(
            ObjectMapper json, String functionArn, AsyncInvoker.FailedEvent failed, Instant at) {
        JsonNode request;
        JsonNode response;
        try {
            request = json.readTree(failed.payload());
        } catch (IOException e) {
            request = json.getNodeFactory().textNode(new String(failed.payload(), StandardCharsets.UTF_8));
        }
        try {
            response = failed.lastError().isEmpty() ? json.nullNode() : json.readTree(failed.lastError());
        } catch (IOException e) {
            response = json.createObjectNode().put("errorMessage", failed.lastError());
        }
        return new DestinationRecord(
                UUID.randomUUID().toString(),
                functionArn + ":$LATEST",
                failed.condition(),
                failed.attempts(),
                at,
                request,
                response);
    }
}
