package dev.loadsplitter.engine.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.internal.queue.LambdaSqsEvents;
import dev.loadsplitter.engine.message.BatchResponse;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
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
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                        .maxNumberOfMessages(batchSize)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .visibilityTimeout(visibilityTimeoutSeconds)
                        .waitTimeSeconds(0))
                .messages();
        if (messages.isEmpty()) {
            return 0;
        }
        byte[] response = function.apply(json.writeValueAsBytes(event(messages)));
        Set<String> failed = BatchResponse.read(
                        json.readTree(response),
                        messages.stream().map(Message::messageId).toList())
                .failedMessageIds();
        for (Message message : messages) {
            if (!failed.contains(message.messageId())) {
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return messages.size();
    }

    /** The Lambda SQS event for {@code messages}, as Lambda writes it. */
    public ObjectNode event(List<Message> messages) {
        return LambdaSqsEvents.event(messages, queueArn, EmbeddedSqs.REGION);
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
