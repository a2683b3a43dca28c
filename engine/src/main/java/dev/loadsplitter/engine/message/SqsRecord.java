package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One record of a Lambda SQS event, as Lambda writes it: {@code messageId}, {@code body},
 * {@code attributes} and {@code messageAttributes} in Lambda's lowerCamel form
 * ({@code stringValue}, {@code dataType}).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 *
 * @param messageId the SQS message id; empty when the record has none
 * @param body the message body; empty when the record has none or it is not a string
 * @param messageAttributes string values of the message attributes, by name
 * @param receiveCount {@code attributes.ApproximateReceiveCount}, 0 when absent
 * @param eventSourceArn the queue the record came from ({@code eventSourceARN}); empty when absent
 */
public record SqsRecord(
        String messageId,
        Optional<String> body,
        Map<String, String> messageAttributes,
        int receiveCount,
        String eventSourceArn) {

    public SqsRecord {
        messageAttributes = Map.copyOf(messageAttributes);
        java.util.Objects.requireNonNull(eventSourceArn, "eventSourceArn");
    }

    /** A record of no particular queue. */
    public SqsRecord(String messageId, Optional<String> body, Map<String, String> messageAttributes, int receiveCount) {
        this(messageId, body, messageAttributes, receiveCount, "");
    }

    /** Reads one element of {@code Records}; never throws, a missing part is simply absent. */
    public static SqsRecord from(JsonNode node) {
        String messageId = text(node.get("messageId")).orElse("");
        Optional<String> body = text(node.get("body"));
        Map<String, String> attributes = new LinkedHashMap<>();
        JsonNode messageAttributes = node.get("messageAttributes");
        if (messageAttributes != null && messageAttributes.isObject()) {
            for (var entry : messageAttributes.properties()) {
                JsonNode value = entry.getValue();
                // Lambda writes stringValue; accept the SDK's StringValue too, for hand-made events.
                Optional<String> string = text(value.get("stringValue")).or(() -> text(value.get("StringValue")));
                string.ifPresent(s -> attributes.put(entry.getKey(), s));
            }
        }
        int receiveCount = 0;
        JsonNode systemAttributes = node.get("attributes");
        if (systemAttributes != null && systemAttributes.isObject()) {
            receiveCount = text(systemAttributes.get("ApproximateReceiveCount"))
                    .map(SqsRecord::toInt)
                    .orElse(0);
        }
        return new SqsRecord(
                messageId,
                body,
                attributes,
                receiveCount,
                text(node.get("eventSourceARN")).orElse(""));
    }

    public Optional<String> attribute(String name) {
        return Optional.ofNullable(messageAttributes.get(name));
    }

    private static Optional<String> text(JsonNode node) {
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static int toInt(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
