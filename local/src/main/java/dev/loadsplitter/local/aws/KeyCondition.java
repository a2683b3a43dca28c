package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A Query's key condition: one partition, and optionally a range of its sort keys ({@code =},
 * {@code <}, {@code <=}, {@code >}, {@code >=}, {@code BETWEEN}, {@code begins_with}), which selects a
 * contiguous range of the partition's items, as DynamoDB reads them.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
 *
 * @param partition the partition key's value
 * @param range narrows the partition's items (in sort key order) to those the sort key condition takes
 */
record KeyCondition(KeyValue partition, UnaryOperator<NavigableMap<ItemKey, ItemSlot>> range) {

    /** Gathers the clauses of a key condition, refusing what DynamoDB refuses. */
    static final class Builder {

        private final TableSchema schema;
        private KeyValue partition;
        private UnaryOperator<NavigableMap<ItemKey, ItemSlot>> range;

        Builder(TableSchema schema) {
            this.schema = schema;
        }

        void compare(String attribute, String operator, JsonNode value) {
            if (attribute.equals(schema.partitionKey().name())) {
                if (!operator.equals("=")) {
                    throw DynamoDbException.validation("Query key condition not supported: the partition key "
                            + attribute + " takes =, not " + operator);
                }
                if (partition != null) {
                    throw onePerKey();
                }
                partition = KeyValue.of(value, schema.partitionKey().type(), attribute);
                return;
            }
            KeyValue sort = sortValue(attribute, value);
            sortRange(items -> {
                ItemKey key = new ItemKey(items.firstKey().partition(), sort);
                return switch (operator) {
                    case "=" -> items.subMap(key, true, key, true);
                    case "<" -> items.headMap(key, false);
                    case "<=" -> items.headMap(key, true);
                    case ">" -> items.tailMap(key, false);
                    default -> items.tailMap(key, true);
                };
            });
        }

        void between(String attribute, JsonNode low, JsonNode high) {
            KeyValue from = sortValue(attribute, low);
            KeyValue to = sortValue(attribute, high);
            if (from.compareTo(to) > 0) {
                throw DynamoDbException.validation(
                        "Invalid KeyConditionExpression: The BETWEEN operator requires upper "
                                + "bound to be greater than or equal to lower bound; lower bound operand: " + low
                                + ", upper bound operand: " + high);
            }
            sortRange(items -> {
                KeyValue partitionKey = items.firstKey().partition();
                return items.subMap(new ItemKey(partitionKey, from), true, new ItemKey(partitionKey, to), true);
            });
        }

        void beginsWith(String attribute, JsonNode prefix) {
            if (schema.sortKey().map(key -> key.type().equals("N")).orElse(false)) {
                throw DynamoDbException.validation("Invalid KeyConditionExpression: Incorrect operand type for operator"
                        + " or function; operator or function: begins_with, operand type: N");
            }
            KeyValue start = sortValue(attribute, prefix);
            Optional<KeyValue> end = start.prefixEnd();
            sortRange(items -> {
                KeyValue partitionKey = items.firstKey().partition();
                NavigableMap<ItemKey, ItemSlot> from = items.tailMap(new ItemKey(partitionKey, start), true);
                return end.map(limit -> from.headMap(new ItemKey(partitionKey, limit), false))
                        .orElse(from);
            });
        }

        private KeyValue sortValue(String attribute, JsonNode value) {
            if (attribute.equals(schema.partitionKey().name())) {
                throw DynamoDbException.validation(
                        "Query key condition not supported: the partition key " + attribute + " takes = only");
            }
            if (schema.sortKey().isEmpty() || !schema.sortKey().get().name().equals(attribute)) {
                throw DynamoDbException.validation("Query key condition not supported: " + attribute
                        + " is not a key attribute of table " + schema.name());
            }
            return KeyValue.of(value, schema.sortKey().get().type(), attribute);
        }

        private void sortRange(UnaryOperator<NavigableMap<ItemKey, ItemSlot>> condition) {
            if (range != null) {
                throw onePerKey();
            }
            range = condition;
        }

        private static DynamoDbException onePerKey() {
            return DynamoDbException.validation("KeyConditionExpressions must only contain one condition per key");
        }

        KeyCondition build() {
            if (partition == null) {
                throw DynamoDbException.validation("Query condition missed key schema element: "
                        + schema.partitionKey().name());
            }
            // An empty partition has no first key: the range applies only to a non-empty one.
            UnaryOperator<NavigableMap<ItemKey, ItemSlot>> sort = range;
            return new KeyCondition(
                    partition,
                    sort == null ? UnaryOperator.identity() : items -> items.isEmpty() ? items : sort.apply(items));
        }
    }
}
