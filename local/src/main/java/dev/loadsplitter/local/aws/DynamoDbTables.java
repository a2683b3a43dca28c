package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * DynamoDB tables in memory, answering the DynamoDB JSON API for the operations a Lambda
 * function's bookkeeping needs: {@code CreateTable}, {@code DescribeTable}, {@code DeleteTable},
 * {@code UpdateTimeToLive}, {@code GetItem}, {@code PutItem}, {@code UpdateItem},
 * {@code DeleteItem}, {@code Scan} and {@code TransactWriteItems}, with condition and update
 * expressions ({@link Expressions}). Tables have a partition key and, optionally, a sort key.
 * Every write is atomic with its condition, and a transaction is all or nothing: one lock guards
 * the writes, which is ample for a machine's worth of invocations.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
 */
final class DynamoDbTables {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Object writes = new Object();

    DynamoDbTables(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private record Table(
            String name,
            String hashKey,
            String rangeKey,
            Map<List<JsonNode>, Map<String, JsonNode>> items,
            long createdAt) {}

    /** Answers one request; {@code operation} is the part of {@code X-Amz-Target} after the dot. */
    JsonNode handle(String operation, JsonNode request) {
        return switch (operation) {
            case "CreateTable" -> createTable(request);
            case "DescribeTable" -> NODES.objectNode().set("Table", describe(table(request)));
            case "DeleteTable" ->
                NODES.objectNode()
                        .set(
                                "TableDescription",
                                describe(tables.remove(table(request).name())));
            case "ListTables" -> {
                ObjectNode response = NODES.objectNode();
                ArrayNode names = response.putArray("TableNames");
                tables.keySet().stream().sorted().forEach(names::add);
                yield response;
            }
            case "UpdateTimeToLive" -> {
                table(request);
                yield NODES.objectNode().set("TimeToLiveSpecification", request.path("TimeToLiveSpecification"));
            }
            case "GetItem" -> getItem(request);
            case "PutItem" -> write(request, false);
            case "UpdateItem" -> write(request, true);
            case "DeleteItem" -> deleteItem(request);
            case "Scan" -> scan(request);
            case "TransactWriteItems" -> transactWrite(request);
            default ->
                throw new DynamoDbException(
                        "UnknownOperationException",
                        "The local DynamoDB endpoint does not " + "serve " + operation
                                + "; it serves the operations a function's bookkeeping needs.");
        };
    }

    private JsonNode createTable(JsonNode request) {
        String name = request.path("TableName").asText("");
        String hash = null;
        String range = null;
        for (JsonNode key : request.path("KeySchema")) {
            if ("HASH".equals(key.path("KeyType").asText())) {
                hash = key.path("AttributeName").asText();
            } else if ("RANGE".equals(key.path("KeyType").asText())) {
                range = key.path("AttributeName").asText();
            }
        }
        if (name.isEmpty() || hash == null) {
            throw DynamoDbException.validation("CreateTable needs a TableName and a HASH key in KeySchema");
        }
        Table table = new Table(name, hash, range, new LinkedHashMap<>(), clock.millis());
        if (tables.putIfAbsent(name, table) != null) {
            throw new DynamoDbException("ResourceInUseException", "Table already exists: " + name);
        }
        return NODES.objectNode().set("TableDescription", describe(table));
    }

    private ObjectNode describe(Table table) {
        ObjectNode description = NODES.objectNode();
        description.put("TableName", table.name());
        description.put("TableStatus", "ACTIVE");
        description.put("TableArn", "arn:aws:dynamodb:us-east-1:000000000000:table/" + table.name());
        description.put("CreationDateTime", table.createdAt() / 1000.0);
        ArrayNode keys = description.putArray("KeySchema");
        keys.addObject().put("AttributeName", table.hashKey()).put("KeyType", "HASH");
        if (table.rangeKey() != null) {
            keys.addObject().put("AttributeName", table.rangeKey()).put("KeyType", "RANGE");
        }
        synchronized (writes) {
            description.put("ItemCount", table.items().size());
        }
        description.putObject("BillingModeSummary").put("BillingMode", "PAY_PER_REQUEST");
        return description;
    }

    private Table table(JsonNode request) {
        String name = request.path("TableName").asText("");
        Table table = tables.get(name);
        if (table == null) {
            throw DynamoDbException.tableNotFound(name);
        }
        return table;
    }

    private static List<JsonNode> key(Table table, JsonNode key) {
        JsonNode hash = key.get(table.hashKey());
        if (hash == null
                || key.size() != (table.rangeKey() == null ? 1 : 2)
                || table.rangeKey() != null && key.get(table.rangeKey()) == null) {
            throw DynamoDbException.validation("The provided key element does not match the schema");
        }
        return table.rangeKey() == null ? List.of(hash) : List.of(hash, key.get(table.rangeKey()));
    }

    private static Map<String, String> names(JsonNode request) {
        Map<String, String> names = new HashMap<>();
        request.path("ExpressionAttributeNames")
                .properties()
                .forEach(e -> names.put(e.getKey(), e.getValue().asText()));
        return names;
    }

    private static Map<String, JsonNode> values(JsonNode request) {
        Map<String, JsonNode> values = new HashMap<>();
        request.path("ExpressionAttributeValues").properties().forEach(e -> values.put(e.getKey(), e.getValue()));
        return values;
    }

    private JsonNode getItem(JsonNode request) {
        Table table = table(request);
        List<JsonNode> key = key(table, request.path("Key"));
        ObjectNode response = NODES.objectNode();
        synchronized (writes) {
            Map<String, JsonNode> item = table.items().get(key);
            if (item != null) {
                response.set("Item", AttributeValues.copy(item));
            }
        }
        return response;
    }

    /** A write that has been checked and is ready to apply. */
    private record Prepared(
            Table table, List<JsonNode> key, Map<String, JsonNode> before, Map<String, JsonNode> after) {}

    /** Checks the condition against the stored item and computes the item after the write, without storing it. */
    private Prepared prepare(JsonNode request, String kind) {
        Table table = table(request);
        Map<String, JsonNode> current = null;
        List<JsonNode> key;
        Map<String, JsonNode> after;
        if (kind.equals("Put")) {
            JsonNode item = request.path("Item");
            key = key(table, keyOf(table, item));
            current = table.items().get(key);
            after = new LinkedHashMap<>();
            item.properties().forEach(e -> after.put(e.getKey(), e.getValue().deepCopy()));
        } else {
            key = key(table, request.path("Key"));
            current = table.items().get(key);
            if (kind.equals("Delete") || kind.equals("ConditionCheck")) {
                after = kind.equals("Delete") ? null : current;
            } else {
                Map<String, JsonNode> updated = new LinkedHashMap<>();
                if (current != null) {
                    current.forEach((name, value) -> updated.put(name, value.deepCopy()));
                } else {
                    request.path("Key")
                            .properties()
                            .forEach(e -> updated.put(e.getKey(), e.getValue().deepCopy()));
                }
                String expression = request.path("UpdateExpression").asText("");
                if (!expression.isEmpty()) {
                    for (Expressions.Action action : Expressions.update(expression, names(request), values(request))) {
                        action.apply(updated);
                    }
                }
                boolean keyKept = key.get(0).equals(updated.get(table.hashKey()))
                        && (table.rangeKey() == null || key.get(1).equals(updated.get(table.rangeKey())));
                if (!keyKept) {
                    throw DynamoDbException.validation(
                            "Cannot update attribute " + table.hashKey() + ". This attribute is part of the key");
                }
                after = updated;
            }
        }
        String condition = request.path("ConditionExpression").asText("");
        if (!condition.isEmpty()) {
            Predicate<Map<String, JsonNode>> test = Expressions.condition(condition, names(request), values(request));
            if (!test.test(current == null ? Map.of() : current)) {
                throw DynamoDbException.conditionFailed();
            }
        }
        return new Prepared(table, key, current, after);
    }

    private static JsonNode keyOf(Table table, JsonNode item) {
        ObjectNode key = NODES.objectNode();
        if (item.get(table.hashKey()) != null) {
            key.set(table.hashKey(), item.get(table.hashKey()));
        }
        if (table.rangeKey() != null && item.get(table.rangeKey()) != null) {
            key.set(table.rangeKey(), item.get(table.rangeKey()));
        }
        return key;
    }

    private static void apply(Prepared prepared) {
        if (prepared.after() == null) {
            prepared.table().items().remove(prepared.key());
        } else {
            prepared.table().items().put(prepared.key(), prepared.after());
        }
    }

    private JsonNode write(JsonNode request, boolean update) {
        Prepared prepared;
        synchronized (writes) {
            prepared = prepare(request, update ? "Update" : "Put");
            apply(prepared);
        }
        return returnValues(request, prepared);
    }

    private JsonNode deleteItem(JsonNode request) {
        Prepared prepared;
        synchronized (writes) {
            prepared = prepare(request, "Delete");
            apply(prepared);
        }
        return returnValues(request, prepared);
    }

    private static JsonNode returnValues(JsonNode request, Prepared prepared) {
        ObjectNode response = NODES.objectNode();
        String returnValues = request.path("ReturnValues").asText("NONE");
        Map<String, JsonNode> attributes = switch (returnValues) {
            case "ALL_NEW" -> prepared.after();
            case "ALL_OLD" -> prepared.before();
            case "UPDATED_NEW", "UPDATED_OLD" -> changed(prepared, returnValues.equals("UPDATED_NEW"));
            case "NONE" -> null;
            default ->
                throw DynamoDbException.validation("ReturnValues must be NONE, ALL_OLD, UPDATED_OLD, ALL_NEW "
                        + "or UPDATED_NEW, got " + returnValues);
        };
        if (attributes != null) {
            response.set("Attributes", AttributeValues.copy(attributes));
        }
        return response;
    }

    private static Map<String, JsonNode> changed(Prepared prepared, boolean newValues) {
        Map<String, JsonNode> before = prepared.before() == null ? Map.of() : prepared.before();
        Map<String, JsonNode> after = prepared.after() == null ? Map.of() : prepared.after();
        Map<String, JsonNode> changed = new LinkedHashMap<>();
        (newValues ? after : before).forEach((name, value) -> {
            if (!value.equals((newValues ? before : after).get(name))) {
                changed.put(name, value);
            }
        });
        return changed;
    }

    private JsonNode scan(JsonNode request) {
        Table table = table(request);
        int limit = request.path("Limit").asInt(Integer.MAX_VALUE);
        String filter = request.path("FilterExpression").asText("");
        Predicate<Map<String, JsonNode>> test =
                filter.isEmpty() ? item -> true : Expressions.condition(filter, names(request), values(request));
        List<JsonNode> start = request.has("ExclusiveStartKey") ? key(table, request.get("ExclusiveStartKey")) : null;
        ObjectNode response = NODES.objectNode();
        ArrayNode items = response.putArray("Items");
        int scanned = 0;
        List<JsonNode> last = null;
        synchronized (writes) {
            boolean started = start == null;
            for (Map.Entry<List<JsonNode>, Map<String, JsonNode>> entry :
                    table.items().entrySet()) {
                if (!started) {
                    started = entry.getKey().equals(start);
                    continue;
                }
                if (scanned == limit) {
                    break;
                }
                scanned++;
                last = entry.getKey();
                if (test.test(entry.getValue())) {
                    items.add(AttributeValues.copy(entry.getValue()));
                }
            }
            if (last != null && scanned == limit && !last.equals(lastKey(table))) {
                ObjectNode lastEvaluated = response.putObject("LastEvaluatedKey");
                lastEvaluated.set(table.hashKey(), last.get(0));
                if (table.rangeKey() != null) {
                    lastEvaluated.set(table.rangeKey(), last.get(1));
                }
            }
        }
        response.put("Count", items.size());
        response.put("ScannedCount", scanned);
        return response;
    }

    private static List<JsonNode> lastKey(Table table) {
        List<JsonNode> last = null;
        for (List<JsonNode> key : table.items().keySet()) {
            last = key;
        }
        return last;
    }

    private JsonNode transactWrite(JsonNode request) {
        JsonNode items = request.path("TransactItems");
        if (!items.isArray() || items.isEmpty() || items.size() > 100) {
            throw DynamoDbException.validation("TransactItems must hold 1 to 100 actions");
        }
        synchronized (writes) {
            List<Prepared> prepared = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            java.util.Set<String> touched = new java.util.HashSet<>();
            boolean cancelled = false;
            for (JsonNode item : items) {
                String kind = item.fieldNames().next();
                JsonNode action = item.get(kind);
                JsonNode key = kind.equals("Put") ? keyOf(table(action), action.path("Item")) : action.path("Key");
                if (!touched.add(action.path("TableName").asText() + " " + key)) {
                    throw DynamoDbException.validation(
                            "Transaction request cannot include multiple operations on one " + "item");
                }
                try {
                    prepared.add(prepare(action, kind));
                    reasons.add("None");
                } catch (DynamoDbException e) {
                    if (!e.code().equals("ConditionalCheckFailedException")) {
                        throw e;
                    }
                    reasons.add("ConditionalCheckFailed");
                    cancelled = true;
                }
            }
            if (cancelled) {
                throw new TransactionCanceled(reasons);
            }
            prepared.forEach(DynamoDbTables::apply);
        }
        return NODES.objectNode();
    }

    /** A transaction refused because a condition failed; the reasons say which, one per action. */
    static final class TransactionCanceled extends DynamoDbException {

        private final List<String> reasons;

        TransactionCanceled(List<String> reasons) {
            super(
                    "TransactionCanceledException",
                    "Transaction cancelled, please refer cancellation reasons for " + "specific reasons " + reasons);
            this.reasons = List.copyOf(reasons);
        }

        List<String> reasons() {
            return reasons;
        }
    }
}
