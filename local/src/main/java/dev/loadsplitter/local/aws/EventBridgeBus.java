package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An EventBridge event bus that keeps what is put on it: {@code PutEvents}, as the AWS SDK sends
 * it, answered per entry (an event id, or an error code) with {@code FailedEntryCount}; and a read
 * path of our own, {@code LoadSplitterLocal.ListEvents} (filtered by source, detail type, bus and
 * detail fields, in pages), which {@link LocalEventsClient} calls. Events are kept for a retention
 * (the records' TTL, so {@code jobs show} finds a job's events as long as its record) and up to a
 * maximum count, past which the oldest go with a warning; with a data directory each accepted event
 * is written to {@code eventbridge.log} before the answer.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
public final class EventBridgeBus {

    private static final Logger log = LoggerFactory.getLogger(EventBridgeBus.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** PutEvents takes at most 10 entries. */
    private static final int MAX_ENTRIES = 10;
    /** A ListEvents page holds at most this many events. */
    static final int MAX_PAGE = 1_000;

    static final String FILE = "eventbridge.log";

    private final ConcurrentSkipListMap<Long, PutEvent> events = new ConcurrentSkipListMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<Consumer<PutEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private final Clock clock;
    private final Duration retention;
    private final int maxEvents;
    private final ObjectMapper json;
    private volatile Optional<JsonLinesFile> file = Optional.empty();

    EventBridgeBus(Clock clock, Duration retention, int maxEvents, ObjectMapper json) {
        this.clock = clock;
        this.retention = retention;
        this.maxEvents = maxEvents;
        this.json = json;
    }

    /**
     * One event as it was put.
     *
     * @param id the id EventBridge gave it
     * @param busName the bus it was put on ({@code default} when none was named)
     * @param source its {@code Source}
     * @param detailType its {@code DetailType}
     * @param detail its {@code Detail}, parsed
     * @param time its {@code Time}, or when it was put
     */
    public record PutEvent(String id, String busName, String source, String detailType, JsonNode detail, Instant time) {
        public PutEvent {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(busName, "busName");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(detailType, "detailType");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(time, "time");
        }
    }

    /** Every event kept, in the order they were put. */
    public List<PutEvent> events() {
        return List.copyOf(events.values());
    }

    /** The events kept that pass {@code filter}, in order. */
    public List<PutEvent> events(EventFilter filter) {
        return events.values().stream().filter(filter::test).toList();
    }

    /** Tells {@code listener} of every event put from now on. */
    public void onEvent(Consumer<PutEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Restores the events kept under {@code directory}, compacts their log and keeps it from now on; how many. */
    int restore(Path directory) {
        Path path = directory.resolve(FILE);
        for (JsonNode line : JsonLinesFile.read(path, json)) {
            try {
                keep(new PutEvent(
                        line.path("id").asText(),
                        line.path("bus").asText(),
                        line.path("source").asText(),
                        line.path("detailType").asText(),
                        line.path("detail"),
                        Instant.ofEpochMilli(line.path("time").asLong())));
            } catch (RuntimeException e) {
                throw new IllegalStateException(path + " holds an event that cannot be read: " + line, e);
            }
        }
        purge();
        JsonLinesFile.rewrite(
                path, events.values().stream().map(EventBridgeBus::line).toList(), json);
        file = Optional.of(JsonLinesFile.append(path, json));
        return events.size();
    }

    private static JsonNode line(PutEvent event) {
        ObjectNode line = NODES.objectNode()
                .put("id", event.id())
                .put("bus", event.busName())
                .put("source", event.source())
                .put("detailType", event.detailType())
                .put("time", event.time().toEpochMilli());
        line.set("detail", event.detail());
        return line;
    }

    private void keep(PutEvent event) {
        events.put(sequence.incrementAndGet(), event);
        while (events.size() > maxEvents) {
            Map.Entry<Long, PutEvent> oldest = events.pollFirstEntry();
            if (oldest != null && warnedFull.compareAndSet(false, true)) {
                log.warn(
                        "local EventBridge: the bus keeps at most {} events; dropping the oldest (from {}) as new "
                                + "ones come. Raise the endpoint's maxEvents to keep more.",
                        maxEvents,
                        oldest.getValue().time());
            }
        }
    }

    /** Forgets events older than the retention; how many. */
    int purge() {
        Instant oldest = clock.instant().minus(retention);
        int purged = 0;
        for (Map.Entry<Long, PutEvent> entry : events.entrySet()) {
            if (!entry.getValue().time().isBefore(oldest)) {
                break;
            }
            if (events.remove(entry.getKey(), entry.getValue())) {
                purged++;
            }
        }
        return purged;
    }

    JsonNode putEvents(JsonNode request) {
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw DynamoDbException.validation(
                    "Entries must hold 1 to " + MAX_ENTRIES + " events, got " + entries.size());
        }
        ObjectNode response = NODES.objectNode();
        ArrayNode results = response.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            String source = entry.path("Source").asText("");
            String detailType = entry.path("DetailType").asText("");
            if (source.isEmpty() || detailType.isEmpty()) {
                failed++;
                results.addObject()
                        .put("ErrorCode", "InvalidArgument")
                        .put("ErrorMessage", "Parameter(s) Source and DetailType are required for an entry");
                continue;
            }
            JsonNode detail;
            try {
                detail = json.readTree(entry.path("Detail").asText("{}"));
            } catch (IOException e) {
                detail = null;
            }
            if (detail == null || !detail.isObject()) {
                failed++;
                results.addObject()
                        .put("ErrorCode", "MalformedDetail")
                        .put("ErrorMessage", "Detail is malformed: it must be a JSON object");
                continue;
            }
            PutEvent event = new PutEvent(
                    UUID.randomUUID().toString(),
                    busName(entry.path("EventBusName").asText("default")),
                    source,
                    detailType,
                    detail,
                    entry.hasNonNull("Time") ? time(entry.get("Time")) : clock.instant());
            file.ifPresent(log -> log.append(line(event)));
            keep(event);
            listeners.forEach(listener -> listener.accept(event));
            results.addObject().put("EventId", event.id());
        }
        response.put("FailedEntryCount", failed);
        return response;
    }

    /** A bus named by ARN is the bus of that name. */
    private static String busName(String nameOrArn) {
        int slash = nameOrArn.lastIndexOf('/');
        return nameOrArn.startsWith("arn:") && slash >= 0 ? nameOrArn.substring(slash + 1) : nameOrArn;
    }

    private static Instant time(JsonNode time) {
        BigDecimal seconds = time.isNumber() ? time.decimalValue() : new BigDecimal(time.asText());
        return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
    }

    /**
     * {@code LoadSplitterLocal.ListEvents}: {@code Source}, {@code DetailType}, {@code EventBusName} and
     * {@code Detail} (an object of top-level fields and their texts) filter; {@code Limit} (1 to 1,000,
     * default 100) and {@code NextToken} page. Each event comes back as PutEvents took it, with its
     * {@code Id} and {@code Time} (epoch seconds).
     */
    JsonNode listEvents(JsonNode request) {
        EventFilter filter = EventFilter.any();
        if (request.hasNonNull("Source")) {
            filter = filter.source(request.get("Source").asText());
        }
        if (request.hasNonNull("DetailType")) {
            filter = filter.detailType(request.get("DetailType").asText());
        }
        if (request.hasNonNull("EventBusName")) {
            filter = filter.busName(busName(request.get("EventBusName").asText()));
        }
        for (Map.Entry<String, JsonNode> field : request.path("Detail").properties()) {
            filter = filter.detail(field.getKey(), field.getValue().asText());
        }
        int limit = request.path("Limit").asInt(100);
        if (limit < 1 || limit > MAX_PAGE) {
            throw DynamoDbException.validation("Limit must be from 1 to " + MAX_PAGE + ", got " + limit);
        }
        long from;
        try {
            from = request.hasNonNull("NextToken")
                    ? Long.parseLong(request.get("NextToken").asText())
                    : 0;
        } catch (NumberFormatException e) {
            throw DynamoDbException.validation("NextToken is not one this endpoint gave: " + request.get("NextToken"));
        }
        ObjectNode response = NODES.objectNode();
        ArrayNode page = response.putArray("Events");
        List<Map.Entry<Long, PutEvent>> matched = new ArrayList<>();
        for (Map.Entry<Long, PutEvent> entry : events.tailMap(from, true).entrySet()) {
            if (filter.test(entry.getValue())) {
                if (matched.size() == limit) {
                    response.put("NextToken", Long.toString(entry.getKey()));
                    break;
                }
                matched.add(entry);
            }
        }
        for (Map.Entry<Long, PutEvent> entry : matched) {
            PutEvent event = entry.getValue();
            page.addObject()
                    .put("Id", event.id())
                    .put("EventBusName", event.busName())
                    .put("Source", event.source())
                    .put("DetailType", event.detailType())
                    .put("Detail", event.detail().toString())
                    .put("Time", event.time().toEpochMilli() / 1000.0);
        }
        return response;
    }

    void close() {
        file.ifPresent(JsonLinesFile::close);
    }
}
