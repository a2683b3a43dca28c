package dev.loadsplitter.bench.micro;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.bench.Events;
import dev.loadsplitter.engine.json.EventJson;
import dev.loadsplitter.engine.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.split.Lineage;
import dev.loadsplitter.engine.split.SplitPolicy;
import dev.loadsplitter.engine.split.SubTask;
import dev.loadsplitter.engine.split.Splitter;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.time.Sleeper;
import dev.loadsplitter.function.createtags.CreateTagsTask;
import dev.loadsplitter.function.createtags.CreateTagsTaskType;
import dev.loadsplitter.function.createtags.TagWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** One-tag sub-tasks made by the real splitter, as the SQS messages a poller would receive. */
final class SubTaskMessages {

    static final CreateTagsTaskType TYPE = new CreateTagsTaskType(new TagWork(Duration.ZERO, Sleeper.system()));

    private SubTaskMessages() {
    }

    /** The {@code tags}-tag sample event as a task the splitter accepts. */
    static CreateTagsTask task(ObjectMapper json, int tags) throws Exception {
        return switch (TYPE.read(json.readTree(Events.createTags(tags, "micro-" + tags)))) {
            case Reading.Accepted<CreateTagsTask> accepted -> accepted.task();
            case Reading<CreateTagsTask> other -> throw new IllegalStateException("sample not accepted: " + other);
        };
    }

    /** {@code count} messages, one tag each, with the attributes the sender writes and Lambda's system attributes. */
    static List<Message> oneTagMessages(int count) throws Exception {
        ObjectMapper json = EventJson.create();
        Splitter splitter = new Splitter(new SplitPolicy(1, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 3), json);
        List<SubTask> subTasks = splitter.split(TYPE, task(json, count), Lineage.root("micro-job"));
        List<Message> messages = new ArrayList<>();
        for (SubTask subTask : subTasks) {
            String now = Long.toString(System.currentTimeMillis());
            messages.add(Message.builder().messageId(UUID.randomUUID().toString())
                    .receiptHandle(UUID.randomUUID() + "#" + UUID.randomUUID()).body(subTask.body())
                    .md5OfBody("0123456789abcdef0123456789abcdef").messageAttributes(SqsSubTaskSender.attributesOf(subTask))
                    .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1",
                            MessageSystemAttributeName.SENT_TIMESTAMP, now,
                            MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, now,
                            MessageSystemAttributeName.SENDER_ID, "AIDAEXAMPLE"))
                    .build());
        }
        return messages;
    }
}
