package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
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
        return new StoredItem(Collections.unmodifiableMap(new LinkedHashMap<>(attributes)), size);
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
