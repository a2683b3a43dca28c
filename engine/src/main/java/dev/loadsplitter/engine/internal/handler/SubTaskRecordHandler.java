package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.batch.RecordHandler;
import dev.loadsplitter.engine.internal.json.EventJson;
import dev.loadsplitter.engine.internal.split.SplitException;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Does one SQS record's task: reads its body and lineage, and runs it once per task id. */
final class SubTaskRecordHandler<T> implements RecordHandler {

    private static final Logger log = LoggerFactory.getLogger(SubTaskRecordHandler.class);

    private final TaskType<T> type;
    private final ObjectMapper json;
    private final TaskRunner<T> runner;
    private final OncePerTask once;

    SubTaskRecordHandler(TaskType<T> type, ObjectMapper json, TaskRunner<T> runner, OncePerTask once) {
        this.type = Objects.requireNonNull(type, "type");
        this.json = Objects.requireNonNull(json, "json");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.once = Objects.requireNonNull(once, "once");
    }

    @Override
    public String handle(SqsRecord record, Invocation invocation) throws Exception {
        String body = record.body().orElseThrow(() -> new InvalidTaskException("the record has no body"));
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidTaskException(EventJson.describe("the body", e));
        }
        return switch (TaskReading.read(type, event)) {
            case Reading.Invalid<T> invalid -> throw new InvalidTaskException(
                    "the body is not a valid " + type.name() + " task: " + invalid.describe());
            case Reading.Ignored<T> ignored -> {
                log.info("messageId={}: ignored: {}", record.messageId(), ignored.reason());
                yield "ignored";
            }
            case Reading.Accepted<T> accepted -> {
                Lineage lineage = lineageOf(record, event, body);
                String where = "messageId=" + record.messageId() + ", " + lineage.describe();
                yield once.run(lineage, invocation, where, () -> {
                    try {
                        return runner.run(accepted.task(), lineage, record.messageId())
                                .describe(type.itemNoun());
                    } catch (SplitException | TaskTypeException e) {
                        throw new InvalidTaskException(e.getMessage());
                    }
                });
            }
        };
    }

    private static Lineage lineageOf(SqsRecord record, JsonNode event, String body) throws InvalidTaskException {
        return switch (SubTaskAttribute.lineageOf(record.messageAttributes())) {
            case SubTaskAttribute.ReceivedLineage.Known known -> known.lineage();
            case SubTaskAttribute.ReceivedLineage.Absent absent ->
                    new Lineage(JobIds.derive(event), "", absent.depth());
            case SubTaskAttribute.ReceivedLineage.Malformed malformed ->
                    throw new InvalidTaskException(malformed.describe());
        };
    }
}
