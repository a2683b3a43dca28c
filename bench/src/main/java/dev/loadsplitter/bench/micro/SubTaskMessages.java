package dev.loadsplitter.bench.micro;

import dev.loadsplitter.bench.Events;
import dev.loadsplitter.engine.internal.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.message.SubTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** One-tag sub-tasks made by the real splitter, as the SQS messages a poller would receive. */
final class SubTaskMessages {

    private SubTaskMessages() {}

    /** {@code count} messages, one tag each, with the attributes the sender writes and Lambda's system attributes. */
    static List<Message> oneTagMessages(int count) throws Exception {
        List<Message> messages = new ArrayList<>();
        for (SubTask subTask : Events.oneTagSubTasks(count)) {
            String now = Long.toString(System.currentTimeMillis());
            messages.add(Message.builder()
                    .messageId(UUID.randomUUID().toString())
                    .receiptHandle(UUID.randomUUID() + "#" + UUID.randomUUID())
                    .body(subTask.body())
                    .md5OfBody("0123456789abcdef0123456789abcdef")
                    .messageAttributes(SqsSubTaskSender.attributesOf(subTask))
                    .attributes(Map.of(
                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            "1",
                            MessageSystemAttributeName.SENT_TIMESTAMP,
                            now,
                            MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                            now,
                            MessageSystemAttributeName.SENDER_ID,
                            "AIDAEXAMPLE"))
                    .build());
        }
        return messages;
    }
}
