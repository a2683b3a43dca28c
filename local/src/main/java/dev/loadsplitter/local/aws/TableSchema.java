package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A table's name and primary key: a partition (HASH) key and an optional sort (RANGE) key, each an
 * {@code S}, {@code N} or {@code B} attribute. {@code id} tells one incarnation of a name from a later
 * table of the same name, so a change log never applies an old table's writes to a new one.
 *
 * @param name the table's name
 * @param partitionKey the HASH key
 * @param sortKey the RANGE key, if the table has one
 * @param id this incarnation of the table
 * @param createdAtMillis when it was created, epoch milliseconds
 */
record TableSchema(
        String name, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey, long id, long createdAtMillis) {

    /** A key attribute's name and type ({@code S}, {@code N} or {@code B}). */
    record KeyAttribute(String name, String type) {
        KeyAttribute {
            Objects.requireNonNull(name, "name");
            if (!Set.of("S", "N", "B").contains(type)) {
                throw DynamoDbException.validation(
                        "Member must satisfy enum value set: [B, N, S]: the type of key " + name + " is " + type);
            }
        }
    }

    TableSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(sortKey, "sortKey");
    }

    /** The key of a request's {@code Key}: exactly the table's key attributes, of their types. */
    ItemKey keyOf(JsonNode key) {
        if (key == null || !key.isObject() || key.size() != (sortKey.isPresent() ? 2 : 1)) {
            throw DynamoDbException.validation("The provided key element does not match the schema");
        }
        return keyIn(key);
    }

    /** The key of a whole item, which must hold the key attributes. */
    ItemKey keyOfItem(JsonNode item) {
        if (item == null || !item.isObject()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: the Item is missing");
        }
        if (!item.has(partitionKey.name())
                || sortKey.isPresent() && !item.has(sortKey.get().name())) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Missing the key "
                    + (item.has(partitionKey.name()) ? sortKey.get().name() : partitionKey.name()) + " in the item");
        }
        return keyIn(item);
    }

    private ItemKey keyIn(JsonNode node) {
        KeyValue partition = KeyValue.of(node.get(partitionKey.name()), partitionKey.type(), partitionKey.name());
        if (sortKey.isEmpty()) {
            return new ItemKey(partition, KeyValue.NONE);
        }
        KeyValue sort = KeyValue.of(
                node.get(sortKey.get().name()),
                sortKey.get().type(),
                sortKey.get().name());
        return new ItemKey(partition, sort);
    }

    /** Whether {@code attribute} is part of the primary key. */
    boolean isKey(String attribute) {
        return partitionKey.name().equals(attribute)
                || sortKey.map(key -> key.name().equals(attribute)).orElse(false);
    }

    /** The key attributes of a stored item, as a request's {@code Key} or a {@code LastEvaluatedKey}. */
    ObjectNode keyJson(Map<String, JsonNode> item) {
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        key.set(partitionKey.name(), item.get(partitionKey.name()));
        sortKey.ifPresent(sort -> key.set(sort.name(), item.get(sort.name())));
        return key;
    }

    /** The table's ARN, as DescribeTable and throttling reasons give it. */
    String arn() {
        return arn(name);
    }

    static String arn(String table) {
        return "arn:aws:dynamodb:us-east-1:000000000000:table/" + table;
    }
}
