package dev.loadsplitter.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A minimal, single-threaded stand-in for Lambda's SQS event source mapping with
 * {@code ReportBatchItemFailures}, for tests: receive a batch, hand the function the event JSON
 * Lambda would build, delete the records it did not report as failed.
 */
public final class EsmDriver {

    private final SqsClient sqs;
    private final ObjectMapper json;
    private final String queueUrl;
    private final String queueArn;

    public EsmDriver(SqsClient sqs, ObjectMapper json, String queueUrl, String queueArn) {
        this.sqs = sqs;
        this.json = json;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
    }

    /** One poll: returns how many records were delivered (0 when the queue had none visible). */
    public int pollOnce(int batchSize, int visibilityTimeoutSeconds, UnaryOperator<byte[]> function) throws Exception {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(batchSize)
                .messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .visibilityTimeout(visibilityTimeoutSeconds)
                .waitTimeSeconds(0)).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        byte[] response = function.apply(json.writeValueAsBytes(event(messages)));
        Set<String> failed = new HashSet<>();
        JsonNode failures = json.readTree(response).get("batchItemFailures");
        failures.forEach(f -> failed.add(f.get("itemIdentifier").asText()));
        for (Message message : messages) {
            if (!failed.contains(message.messageId())) {
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return messages.size();
    }

    /** The Lambda SQS event for {@code messages}: lowerCamel message attributes, as Lambda writes them. */
    public ObjectNode event(List<Message> messages) {
        ObjectNode event = json.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message message : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            message.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> entry : message.messageAttributes().entrySet()) {
                messageAttributes.putObject(entry.getKey())
                        .put("stringValue", entry.getValue().stringValue())
                        .put("dataType", entry.getValue().dataType());
            }
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn);
            record.put("awsRegion", EmbeddedSqs.REGION);
        }
        return event;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
