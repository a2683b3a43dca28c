package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A document path into an item: an attribute, then map entries ({@code a.b}) and list elements
 * ({@code a[2]}). Each segment is a {@link String} (a name) or an {@link Integer} (an index).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.Attributes.html
 */
record DocumentPath(List<Object> segments) {

    DocumentPath {
        segments = List.copyOf(segments);
        if (segments.isEmpty() || !(segments.getFirst() instanceof String)) {
            throw new IllegalArgumentException("A document path starts with an attribute name: " + segments);
        }
    }

    String attribute() {
        return (String) segments.getFirst();
    }

    /** The value at the path in {@code item}, or null when there is none. */
    JsonNode get(Map<String, JsonNode> item) {
        JsonNode value = item.get(attribute());
        for (int i = 1; i < segments.size() && value != null; i++) {
            value = step(value, segments.get(i));
        }
        return value;
    }

    private static JsonNode step(JsonNode value, Object segment) {
        return segment instanceof String name
                ? AttributeValues.entry(value, name)
                : AttributeValues.element(value, (Integer) segment);
    }

    /** Sets the value at the path, in a map or list that must exist; an index past a list's end appends. */
    void set(Map<String, JsonNode> item, JsonNode value) {
        if (segments.size() == 1) {
            item.put(attribute(), value);
            return;
        }
        Object last = segments.getLast();
        JsonNode parent = parent(item);
        if (last instanceof String name) {
            ((ObjectNode) parent.get("M")).set(name, value);
        } else {
            ArrayNode list = (ArrayNode) parent.get("L");
            int index = (Integer) last;
            if (index < list.size()) {
                list.set(index, value);
            } else {
                list.add(value);
            }
        }
    }

    /** Removes the value at the path, if any; a removed list element shifts the later ones down. */
    void remove(Map<String, JsonNode> item) {
        if (segments.size() == 1) {
            item.remove(attribute());
            return;
        }
        JsonNode parent;
        try {
            parent = parent(item);
        } catch (DynamoDbException absent) {
            return;
        }
        Object last = segments.getLast();
        if (last instanceof String name) {
            ((ObjectNode) parent.get("M")).remove(name);
        } else {
            ArrayNode list = (ArrayNode) parent.get("L");
            if ((Integer) last < list.size()) {
                list.remove((int) (Integer) last);
            }
        }
    }

    private JsonNode parent(Map<String, JsonNode> item) {
        JsonNode value = item.get(attribute());
        for (int i = 1; i < segments.size() - 1 && value != null; i++) {
            value = step(value, segments.get(i));
        }
        String needed = segments.getLast() instanceof String ? "M" : "L";
        if (value == null || !needed.equals(AttributeValues.type(value))) {
            throw DynamoDbException.validation(
                    "The document path provided in the update expression is invalid for update: " + this);
        }
        return value;
    }

    /**
     * Copies the value at this path from {@code item} into {@code projection}, building the maps and
     * lists on the way as DynamoDB returns a projected item (projected list elements keep their order).
     */
    void project(Map<String, JsonNode> item, Map<String, JsonNode> projection) {
        JsonNode value = get(item);
        if (value == null) {
            return;
        }
        // Copies, so a later, deeper path of the same projection never changes the stored item.
        if (segments.size() == 1) {
            projection.put(attribute(), value.deepCopy());
            return;
        }
        JsonNode container = projection.computeIfAbsent(attribute(), name -> emptyLike(segments.get(1)));
        for (int i = 1; i < segments.size(); i++) {
            Object segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            JsonNode child = last ? value.deepCopy() : emptyLike(segments.get(i + 1));
            if (segment instanceof String name) {
                if (!container.has("M")) {
                    return;
                }
                ObjectNode map = (ObjectNode) container.get("M");
                JsonNode existing = map.get(name);
                if (existing == null || last) {
                    map.set(name, child);
                    existing = child;
                }
                container = existing;
            } else {
                if (!container.has("L")) {
                    return;
                }
                ((ArrayNode) container.get("L")).add(child);
                container = child;
            }
        }
    }

    private static JsonNode emptyLike(Object segment) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (segment instanceof String) {
            node.putObject("M");
        } else {
            node.putArray("L");
        }
        return node;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(attribute());
        for (int i = 1; i < segments.size(); i++) {
            Object segment = segments.get(i);
            text.append(segment instanceof String name ? "." + name : "[" + segment + "]");
        }
        return text.toString();
    }
}
