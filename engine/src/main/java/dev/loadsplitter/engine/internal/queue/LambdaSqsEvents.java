package dev.loadsplitter.engine.internal.queue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.message.SqsRecord;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Writes the event Lambda hands a function for a batch of SQS messages; {@link SqsRecord} reads
 * one of its records back. Lambda writes message attributes in lowerCamel ({@code stringValue},
 * {@code dataType}), not the SDK's form, and passes the {@link #SYSTEM_ATTRIBUTES} the message
 * has. The local runtime's event source mapping and the tests build their events here, from the SDK's
 * messages, which is why this is internal: no SDK type in engine's public API.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
public final class LambdaSqsEvents {

    /**
     * The system attributes Lambda puts in a record, when the message has them: the FIFO ones only
     * on FIFO queues. A poller asks for these and no more; every extra one costs the server and
     * the client a little on each message.
     */
    public static final List<MessageSystemAttributeName> SYSTEM_ATTRIBUTES = List.of(
            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
            MessageSystemAttributeName.SENT_TIMESTAMP,
            MessageSystemAttributeName.SENDER_ID,
            MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
            MessageSystemAttributeName.AWS_TRACE_HEADER,
            MessageSystemAttributeName.SEQUENCE_NUMBER,
            MessageSystemAttributeName.MESSAGE_GROUP_ID,
            MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID);

    private LambdaSqsEvents() {}

    /** The string values of an SQS message's attributes, by name, as {@code SubTaskAttribute.in} reads them. */
    public static Map<String, String> attributeStrings(Map<String, MessageAttributeValue> attributes) {
        Map<String, String> strings = new HashMap<>();
        attributes.forEach((name, value) -> {
            if (value != null && value.stringValue() != null) {
                strings.put(name, value.stringValue());
            }
        });
        return strings;
    }

    public static ObjectNode event(List<Message> messages, String queueArn, String region) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode event = nodes.objectNode();
        ArrayNode records = event.putArray("Records");
        for (Message message : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            Map<MessageSystemAttributeName, String> system = message.attributes();
            for (MessageSystemAttributeName name : SYSTEM_ATTRIBUTES) {
                String value = system.get(name);
                if (value != null) {
                    attributes.put(name.toString(), value);
                }
            }
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> entry :
                    message.messageAttributes().entrySet()) {
                MessageAttributeValue value = entry.getValue();
                ObjectNode attribute = messageAttributes.putObject(entry.getKey());
                if (value.stringValue() != null) {
                    attribute.put("stringValue", value.stringValue());
                }
                if (value.binaryValue() != null) {
                    attribute.put(
                            "binaryValue",
                            Base64.getEncoder()
                                    .encodeToString(value.binaryValue().asByteArray()));
                }
                attribute.putArray("stringListValues");
                attribute.putArray("binaryListValues");
                attribute.put("dataType", value.dataType());
            }
            if (message.md5OfMessageAttributes() != null) {
                record.put("md5OfMessageAttributes", message.md5OfMessageAttributes());
            }
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn);
            record.put("awsRegion", region);
        }
        return event;
    }
}
