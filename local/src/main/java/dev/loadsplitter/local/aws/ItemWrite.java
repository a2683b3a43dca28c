package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One write to one item, parsed and checked before any lock is taken: a {@code Put}, {@code Update},
 * {@code Delete} or {@code ConditionCheck}, as a plain request or an action of a transaction. Holding
 * the item's lock, {@link #evaluate} tests its condition against the committed item and computes the
 * item after the write, without storing anything.
 */
final class ItemWrite {

    enum Kind {
        PUT,
        UPDATE,
        DELETE,
        CONDITION_CHECK
    }

    private static final Set<String> RETURN_VALUES = Set.of("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW");

    private final Kind kind;
    private final Table table;
    private final ItemKey key;
    private final JsonNode keyJson;
    private final Map<String, JsonNode> putItem;
    private final List<Expressions.Action> updates;
    private final Predicate<Map<String, JsonNode>> condition;
    private final String returnValues;
    private final boolean oldItemOnConditionFailure;

    private ItemWrite(
            Kind kind,
            Table table,
            ItemKey key,
            JsonNode keyJson,
            Map<String, JsonNode> putItem,
            List<Expressions.Action> updates,
            Predicate<Map<String, JsonNode>> condition,
            String returnValues,
            boolean oldItemOnConditionFailure) {
        this.kind = kind;
        this.table = table;
        this.key = key;
        this.keyJson = keyJson;
        this.putItem = putItem;
        this.updates = updates;
        this.condition = condition;
        this.returnValues = returnValues;
        this.oldItemOnConditionFailure = oldItemOnConditionFailure;
    }

    /**
     * Parses a write of {@code kind} on {@code table} from a request (PutItem, UpdateItem, DeleteItem) or a
     * transaction's action.
     *
     * @throws DynamoDbException a ValidationException for anything DynamoDB would refuse before reading
     */
    static ItemWrite parse(Kind kind, Table table, JsonNode request) {
        TableSchema schema = table.schema();
        Placeholders placeholders = Placeholders.of(request);
        ItemKey key;
        JsonNode keyJson;
        Map<String, JsonNode> putItem = Map.of();
        List<Expressions.Action> updates = List.of();
        if (kind == Kind.PUT) {
            JsonNode item = request.path("Item");
            key = schema.keyOfItem(item);
            putItem = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> attribute : item.properties()) {
                AttributeValues.type(attribute.getValue());
                // The request's own nodes: nothing changes a request once it is parsed.
                putItem.put(attribute.getKey(), attribute.getValue());
            }
            keyJson = schema.keyJson(putItem);
        } else {
            keyJson = request.path("Key");
            key = schema.keyOf(keyJson);
        }
        if (kind == Kind.UPDATE) {
            String expression = request.path("UpdateExpression").asText("");
            if (expression.isEmpty()) {
                throw DynamoDbException.validation("UpdateItem needs an UpdateExpression (AttributeUpdates, the legacy "
                        + "parameter, is not served here)");
            }
            updates = Expressions.update(expression, placeholders);
        }
        String conditionText = request.path("ConditionExpression").asText("");
        if (kind == Kind.CONDITION_CHECK && conditionText.isEmpty()) {
            throw DynamoDbException.validation("A ConditionCheck needs a ConditionExpression");
        }
        if (request.has("Expected")) {
            throw DynamoDbException.validation(
                    "Expected, the legacy condition parameter, is not served here; use " + "ConditionExpression");
        }
        Predicate<Map<String, JsonNode>> condition = conditionText.isEmpty()
                ? item -> true
                : Expressions.condition("ConditionExpression", conditionText, placeholders);
        placeholders.requireAllUsed();
        String returnValues = request.path("ReturnValues").asText("NONE");
        if (!RETURN_VALUES.contains(returnValues)
                || (kind == Kind.PUT || kind == Kind.DELETE)
                        && !Set.of("NONE", "ALL_OLD").contains(returnValues)) {
            throw DynamoDbException.validation("Return values set to invalid value: " + returnValues);
        }
        String onFailure = request.path("ReturnValuesOnConditionCheckFailure").asText("NONE");
        if (!Set.of("NONE", "ALL_OLD").contains(onFailure)) {
            throw DynamoDbException.validation(
                    "ReturnValuesOnConditionCheckFailure must be NONE or ALL_OLD, got " + onFailure);
        }
        return new ItemWrite(
                kind, table, key, keyJson, putItem, updates, condition, returnValues, onFailure.equals("ALL_OLD"));
    }

    Kind kind() {
        return kind;
    }

    Table table() {
        return table;
    }

    ItemKey key() {
        return key;
    }

    JsonNode keyJson() {
        return keyJson;
    }

    /** Whether a failed condition answers with the item as it was (ReturnValuesOnConditionCheckFailure=ALL_OLD). */
    boolean oldItemOnConditionFailure() {
        return oldItemOnConditionFailure;
    }

    /**
     * What this write would do to {@code current} (null when there is no item): whether its condition
     * holds and, if so, the item after it (null when it deletes or there is none).
     */
    Outcome evaluate(StoredItem current) {
        Map<String, JsonNode> before = current == null ? Map.of() : current.attributes();
        if (!condition.test(before)) {
            return new Outcome(current, current, false);
        }
        StoredItem after = switch (kind) {
            case PUT -> StoredItem.of(putItem);
            case DELETE -> null;
            case CONDITION_CHECK -> current;
            case UPDATE -> {
                Map<String, JsonNode> updated;
                if (current != null) {
                    updated = current.copy();
                } else {
                    updated = new LinkedHashMap<>();
                    keyJson.properties()
                            .forEach(e -> updated.put(e.getKey(), e.getValue().deepCopy()));
                }
                updates.forEach(action -> action.apply(updated));
                ItemKey keyAfter;
                try {
                    keyAfter = table.schema().keyOfItem(table.schema().keyJson(updated));
                } catch (DynamoDbException removed) {
                    keyAfter = null;
                }
                if (!key.equals(keyAfter)) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Cannot update "
                            + "attribute " + table.schema().partitionKey().name()
                            + table.schema()
                                    .sortKey()
                                    .map(sort -> " or " + sort.name())
                                    .orElse("")
                            + ". This attribute is part of the key");
                }
                yield StoredItem.of(updated);
            }
        };
        return new Outcome(current, after, true);
    }

    /**
     * A write's effect.
     *
     * @param before the committed item, or null
     * @param after the item after the write, or null when it deletes (or there was none)
     * @param conditionHolds whether the condition held; when not, nothing is written
     */
    record Outcome(StoredItem before, StoredItem after, boolean conditionHolds) {

        /** The size capacity is counted by: the larger of the item before and after. */
        int size() {
            return Math.max(before == null ? 0 : before.size(), after == null ? 0 : after.size());
        }

        /** Whether the stored item changes (a ConditionCheck or a delete of nothing changes nothing). */
        boolean changes() {
            return conditionHolds && !Objects.equals(before, after);
        }
    }

    /** The response of a plain write: its ReturnValues. */
    ObjectNode response(Outcome outcome) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        Map<String, JsonNode> before =
                outcome.before() == null ? Map.of() : outcome.before().attributes();
        Map<String, JsonNode> after =
                outcome.after() == null ? Map.of() : outcome.after().attributes();
        Map<String, JsonNode> attributes = switch (returnValues) {
            case "ALL_OLD" -> outcome.before() == null ? null : before;
            case "ALL_NEW" -> outcome.after() == null ? null : after;
            case "UPDATED_NEW" -> changed(after, before);
            case "UPDATED_OLD" -> changed(before, after);
            default -> null;
        };
        if (attributes != null && !attributes.isEmpty()) {
            ObjectNode node = response.putObject("Attributes");
            node.setAll(attributes);
        }
        return response;
    }

    /** The attributes of {@code side} whose values differ in {@code other}: what UPDATED_NEW and UPDATED_OLD return. */
    private static Map<String, JsonNode> changed(Map<String, JsonNode> side, Map<String, JsonNode> other) {
        Map<String, JsonNode> changed = new LinkedHashMap<>();
        side.forEach((name, value) -> {
            if (!value.equals(other.get(name))) {
                changed.put(name, value);
            }
        });
        return changed;
    }

    /** The item's current value for a failed condition's answer, when the write asked for it. */
    Optional<StoredItem> itemOnConditionFailure(Outcome outcome) {
        return oldItemOnConditionFailure ? Optional.ofNullable(outcome.before()) : Optional.empty();
    }
}
