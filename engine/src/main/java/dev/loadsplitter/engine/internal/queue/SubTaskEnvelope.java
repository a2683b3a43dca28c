package dev.loadsplitter.engine.internal.queue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A sub-task delivered by an asynchronous invocation ({@code DISPATCH=invoke}): an invocation has
 * no message attributes, so the lineage travels in the payload beside the sub-task's event, under
 * the same names: {@code {"loadSplitterSubTask": {"jobId": …, "partId": …, …}, "task": {…}}}. The
 * one home of that format, written by the sender and read by the handler.
 */
public final class SubTaskEnvelope {

    /** The key that marks a payload as a sub-task envelope; no task type's event uses it. */
    public static final String KEY = "loadSplitterSubTask";

    /** The key of the sub-task's event. */
    public static final String TASK = "task";

    private SubTaskEnvelope() {}

    /**
     * The payload for {@code subTask}: its attributes as strings, and its body, already JSON, written
     * as it is rather than parsed again.
     */
    public static byte[] write(SubTask subTask, ObjectMapper json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(subTask.body().length() + 256);
        try (JsonGenerator envelope = json.getFactory().createGenerator(out)) {
            envelope.writeStartObject();
            envelope.writeObjectFieldStart(KEY);
            for (SubTaskAttribute attribute : SubTaskAttribute.values()) {
                String value = attribute.valueOf(subTask);
                if (!value.isEmpty()) {
                    envelope.writeStringField(attribute.attributeName(), value);
                }
            }
            envelope.writeEndObject();
            envelope.writeFieldName(TASK);
            envelope.writeRawValue(subTask.body());
            envelope.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write a sub-task envelope: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Whether {@code event} is an envelope. */
    public static boolean isEnvelope(JsonNode event) {
        return event != null && event.path(KEY).isObject() && event.has(TASK);
    }

    /**
     * The envelope as the record a queue would have delivered: its event as the body, its lineage
     * as the attributes, the invocation's request id as the message id; empty when {@code event} is
     * not an envelope.
     */
    public static Optional<SqsRecord> read(JsonNode event, String requestId) {
        if (!isEnvelope(event)) {
            return Optional.empty();
        }
        Map<String, String> attributes = new HashMap<>();
        event.get(KEY)
                .properties()
                .forEach(
                        field -> attributes.put(field.getKey(), field.getValue().asText()));
        // Receive count 0: an invocation does not say which attempt it is, so no attempt counts as the last.
        return Optional.of(new SqsRecord(requestId, Optional.of(event.get(TASK).toString()), attributes, 0));
    }
}
