package dev.loadsplitter.local.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which of the bus's events to list: by source, detail type, bus, and fields of the detail (a
 * top-level field equal to a text, such as {@code jobId}). Empty parts match everything.
 *
 * <pre>{@code EventFilter.any().source("load-splitter").detailType("Job Completed").detail("jobId", id)}</pre>
 *
 * @param source the events' {@code Source}, if it matters
 * @param detailType their {@code DetailType}, if it matters
 * @param busName the bus they were put on, if it matters
 * @param detail top-level detail fields and the text each must equal
 */
public record EventFilter(
        Optional<String> source, Optional<String> detailType, Optional<String> busName, Map<String, String> detail) {

    public EventFilter {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(detailType, "detailType");
        Objects.requireNonNull(busName, "busName");
        detail = Map.copyOf(detail);
    }

    /** Every event. */
    public static EventFilter any() {
        return new EventFilter(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    public EventFilter source(String value) {
        return new EventFilter(Optional.of(value), detailType, busName, detail);
    }

    public EventFilter detailType(String value) {
        return new EventFilter(source, Optional.of(value), busName, detail);
    }

    public EventFilter busName(String value) {
        return new EventFilter(source, detailType, Optional.of(value), detail);
    }

    /** Also requires the detail's top-level {@code field} to be the text {@code value}. */
    public EventFilter detail(String field, String value) {
        Map<String, String> fields = new LinkedHashMap<>(detail);
        fields.put(field, value);
        return new EventFilter(source, detailType, busName, fields);
    }

    /** Whether {@code event} passes. */
    public boolean test(EventBridgeBus.PutEvent event) {
        return source.map(event.source()::equals).orElse(true)
                && detailType.map(event.detailType()::equals).orElse(true)
                && busName.map(event.busName()::equals).orElse(true)
                && detail.entrySet().stream()
                        .allMatch(field -> event.detail().path(field.getKey()).isValueNode()
                                && event.detail().path(field.getKey()).asText().equals(field.getValue()));
    }
}
