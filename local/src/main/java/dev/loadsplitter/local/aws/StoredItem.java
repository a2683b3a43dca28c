package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A committed item: its attributes, never changed once stored (a write stores a new one, so reads
 * need no lock and no copy), and its size as DynamoDB counts it.
 *
 * @param attributes the item's attributes by name, unmodifiable
 * @param size its size in bytes, for capacity units and the 400 KB item limit
 */
record StoredItem(Map<String, JsonNode> attributes, int size) {

    /** DynamoDB's item size limit. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items */
    static final int MAX_SIZE = 400 * 1024;

    /** Stores {@code attributes}, which the caller hands over and no longer changes. */
    static StoredItem of(Map<String, JsonNode> attributes) {
        int size = AttributeValues.itemSize(attributes);
        if (size > MAX_SIZE) {
            throw DynamoDbException.validation(
                    "Item size has exceeded the maximum allowed size of 409600 bytes: " + size + " bytes");
        }
        Map<String, JsonNode> stored = LinkedHashMap.newLinkedHashMap(attributes.size());
        attributes.forEach((name, value) -> stored.put(name, compact(value)));
        return new StoredItem(Collections.unmodifiableMap(stored), size);
    }

    /**
     * {@code value} rebuilt on unmodifiable maps and lists: an attribute value is an object of one
     * field ({@code {"S": "..."}}), which Jackson's parser keeps in a {@link LinkedHashMap} of 16
     * slots, about 180 bytes an attribute; {@link Map#of} holds the same in 24. A run's ledger keeps
     * its items until the job ends (about 140,000 values for 10,000 items), so this is heap the run
     * no longer needs. Being unmodifiable also holds the promise that a stored value never changes.
     */
    private static JsonNode compact(JsonNode value) {
        if (value instanceof ObjectNode object) {
            if (object.size() == 1) {
                Map.Entry<String, JsonNode> only =
                        object.properties().iterator().next();
                return new ObjectNode(JsonNodeFactory.instance, Map.of(only.getKey(), compact(only.getValue())));
            }
            Map<String, JsonNode> fields = LinkedHashMap.newLinkedHashMap(object.size());
            object.properties().forEach(field -> fields.put(field.getKey(), compact(field.getValue())));
            return new ObjectNode(JsonNodeFactory.instance, Collections.unmodifiableMap(fields));
        }
        if (value instanceof ArrayNode array) {
            List<JsonNode> elements = new ArrayList<>(array.size());
            array.forEach(element -> elements.add(compact(element)));
            return new ArrayNode(JsonNodeFactory.instance, Collections.unmodifiableList(elements));
        }
        return value;
    }

    /** The item as a request or a response writes it; its values are shared, never to be changed. */
    ObjectNode json() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.setAll(attributes);
        return node;
    }

    /** A mutable deep copy of the attributes, for an update to change. */
    Map<String, JsonNode> copy() {
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        attributes.forEach((name, value) -> copy.put(name, value.deepCopy()));
        return copy;
    }
}
