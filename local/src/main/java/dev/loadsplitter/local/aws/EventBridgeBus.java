package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An EventBridge event bus that keeps what is put on it: {@code PutEvents}, as the AWS SDK sends
 * it, answered with an event id per entry. The local runtime reads the events back, to count a
 * job's completion events and show them.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
public final class EventBridgeBus {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** PutEvents takes at most 10 entries. */
    private static final int MAX_ENTRIES = 10;

    private final List<PutEvent> events = new CopyOnWriteArrayList<>();
    private final List<Consumer<PutEvent>> listeners = new CopyOnWriteArrayList<>();

    EventBridgeBus() {}

    /**
     * One event as it was put.
     *
     * @param id the id EventBridge gave it
     * @param busName the bus it was put on ({@code default} when none was named)
     * @param source its {@code Source}
     * @param detailType its {@code DetailType}
     * @param detail its {@code Detail}, parsed
     */
    public record PutEvent(String id, String busName, String source, String detailType, JsonNode detail) {}

    /** Every event put so far, in order. */
    public List<PutEvent> events() {
        return List.copyOf(events);
    }

    /** Tells {@code listener} of every event put from now on. */
    public void onEvent(Consumer<PutEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    JsonNode handle(String operation, JsonNode request, com.fasterxml.jackson.databind.ObjectMapper json) {
        if (!operation.equals("PutEvents")) {
            throw new DynamoDbException(
                    "UnknownOperationException",
                    "The local EventBridge endpoint serves PutEvents " + "only, not " + operation + ".");
        }
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw DynamoDbException.validation("Entries must hold 1 to " + MAX_ENTRIES + " events");
        }
        ObjectNode response = NODES.objectNode();
        ArrayNode results = response.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            String source = entry.path("Source").asText("");
            String detailType = entry.path("DetailType").asText("");
            JsonNode detail;
            try {
                detail = json.readTree(entry.path("Detail").asText("{}"));
            } catch (java.io.IOException e) {
                detail = null;
            }
            if (source.isEmpty() || detailType.isEmpty() || detail == null || !detail.isObject()) {
                failed++;
                results.addObject()
                        .put("ErrorCode", "MalformedDetail")
                        .put("ErrorMessage", "Source and DetailType are required and Detail must be a JSON object");
                continue;
            }
            PutEvent event = new PutEvent(
                    UUID.randomUUID().toString(),
                    entry.path("EventBusName").asText("default"),
                    source,
                    detailType,
                    detail);
            events.add(event);
            listeners.forEach(listener -> listener.accept(event));
            results.addObject().put("EventId", event.id());
        }
        response.put("FailedEntryCount", failed);
        return response;
    }
}
