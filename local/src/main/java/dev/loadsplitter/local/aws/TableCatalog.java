package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The endpoint's tables and the table operations: {@code CreateTable} (a HASH key and an optional
 * RANGE key), {@code DescribeTable}, {@code DeleteTable}, {@code ListTables}, {@code UpdateTimeToLive}
 * and {@code DescribeTimeToLive}. Every table is on-demand (PAY_PER_REQUEST) and ACTIVE at once.
 * Creating and deleting are rare, so they take one lock; item operations only read the map.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
 */
final class TableCatalog {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");

    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final Object changes = new Object();
    private final Clock clock;
    private final ChangeLog log;
    private final ItemThrottle throttle;

    TableCatalog(Clock clock, ChangeLog log, ItemThrottle throttle) {
        this.clock = clock;
        this.log = log;
        this.throttle = throttle;
    }

    /** The table a request's {@code TableName} names. */
    Table table(JsonNode request) {
        return table(request.path("TableName").asText(""));
    }

    Table table(String name) {
        Table table = tables.get(name);
        if (table == null) {
            throw DynamoDbException.tableNotFound(name);
        }
        return table;
    }

    Collection<Table> all() {
        return tables.values();
    }

    /** Puts a table restored from the change log in place. */
    void restore(Table table) {
        tables.put(table.name(), table);
    }

    JsonNode createTable(JsonNode request) {
        String name = request.path("TableName").asText("");
        if (!TABLE_NAME.matcher(name).matches()) {
            throw DynamoDbException.validation("TableName must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and "
                    + "'.', got '" + name + "'");
        }
        Map<String, String> types = new HashMap<>();
        for (JsonNode definition : request.path("AttributeDefinitions")) {
            types.put(
                    definition.path("AttributeName").asText(),
                    definition.path("AttributeType").asText());
        }
        String hash = null;
        String range = null;
        JsonNode schema = request.path("KeySchema");
        for (JsonNode key : schema) {
            switch (key.path("KeyType").asText()) {
                case "HASH" -> hash = key.path("AttributeName").asText();
                case "RANGE" -> range = key.path("AttributeName").asText();
                default -> throw DynamoDbException.validation("KeyType must be HASH or RANGE, got " + key);
            }
        }
        if (hash == null
                || schema.size() != (range == null ? 1 : 2)
                || !"HASH".equals(schema.path(0).path("KeyType").asText())) {
            throw DynamoDbException.validation(
                    "Invalid KeySchema: a table has one HASH key, first, and at most one " + "RANGE key: " + schema);
        }
        if (request.has("GlobalSecondaryIndexes") || request.has("LocalSecondaryIndexes")) {
            throw DynamoDbException.validation("The local DynamoDB endpoint has no secondary indexes; create the "
                    + "table without GlobalSecondaryIndexes and LocalSecondaryIndexes");
        }
        if (types.size() != schema.size() || !types.containsKey(hash) || range != null && !types.containsKey(range)) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Number of attributes in "
                    + "KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
        }
        TableSchema.KeyAttribute partition = new TableSchema.KeyAttribute(hash, types.get(hash));
        Optional<TableSchema.KeyAttribute> sort = Optional.ofNullable(range)
                .map(attribute -> new TableSchema.KeyAttribute(attribute, types.get(attribute)));
        Table table = new Table(new TableSchema(
                name, partition, sort, ThreadLocalRandom.current().nextLong(), clock.millis()));
        synchronized (changes) {
            if (tables.containsKey(name)) {
                throw new DynamoDbException("ResourceInUseException", "Table already exists: " + name);
            }
            // Logged before it is visible, so no write to it can reach the log first.
            log.tableCreated(table.schema());
            tables.put(name, table);
        }
        return NODES.objectNode().set("TableDescription", describe(table, "ACTIVE"));
    }

    JsonNode describeTable(JsonNode request) {
        return NODES.objectNode().set("Table", describe(table(request), "ACTIVE"));
    }

    JsonNode deleteTable(JsonNode request) {
        Table table;
        synchronized (changes) {
            table = table(request);
            tables.remove(table.name());
            log.tableDeleted(table.schema());
        }
        throttle.forget(table);
        return NODES.objectNode().set("TableDescription", describe(table, "DELETING"));
    }

    JsonNode listTables(JsonNode request) {
        int limit = request.path("Limit").asInt(100);
        if (limit < 1 || limit > 100) {
            throw DynamoDbException.validation("Limit must be from 1 to 100, got " + limit);
        }
        String after = request.path("ExclusiveStartTableName").asText("");
        List<String> names = tables.keySet().stream()
                .filter(name -> name.compareTo(after) > 0)
                .sorted()
                .toList();
        ObjectNode response = NODES.objectNode();
        ArrayNode page = response.putArray("TableNames");
        names.stream().limit(limit).forEach(page::add);
        if (names.size() > limit) {
            response.put("LastEvaluatedTableName", names.get(limit - 1));
        }
        return response;
    }

    /**
     * Enables or disables TTL on one attribute; like DynamoDB, refuses to enable it twice or to disable
     * what is not enabled. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
     */
    JsonNode updateTimeToLive(JsonNode request) {
        Table table = table(request);
        JsonNode specification = request.path("TimeToLiveSpecification");
        String attribute = specification.path("AttributeName").asText("");
        if (attribute.isEmpty() || !specification.path("Enabled").isBoolean()) {
            throw DynamoDbException.validation("TimeToLiveSpecification needs an AttributeName and Enabled");
        }
        boolean enable = specification.path("Enabled").asBoolean();
        synchronized (changes) {
            Optional<String> current = table.timeToLiveAttribute();
            if (enable && current.isPresent()) {
                throw DynamoDbException.validation("TimeToLive is already enabled");
            }
            if (!enable && current.isEmpty()) {
                throw DynamoDbException.validation("TimeToLive is already disabled");
            }
            Optional<String> next = enable ? Optional.of(attribute) : Optional.empty();
            log.timeToLive(table.schema(), next);
            table.timeToLive(next);
        }
        ObjectNode response = NODES.objectNode();
        response.putObject("TimeToLiveSpecification")
                .put("AttributeName", attribute)
                .put("Enabled", enable);
        return response;
    }

    JsonNode describeTimeToLive(JsonNode request) {
        Table table = table(request);
        ObjectNode response = NODES.objectNode();
        ObjectNode description = response.putObject("TimeToLiveDescription");
        table.timeToLiveAttribute()
                .ifPresentOrElse(
                        attribute ->
                                description.put("TimeToLiveStatus", "ENABLED").put("AttributeName", attribute),
                        () -> description.put("TimeToLiveStatus", "DISABLED"));
        return response;
    }

    private static ObjectNode describe(Table table, String status) {
        TableSchema schema = table.schema();
        ObjectNode description = NODES.objectNode();
        description.put("TableName", schema.name());
        description.put("TableStatus", status);
        description.put("TableArn", schema.arn());
        description.put("TableId", Long.toHexString(schema.id()));
        description.put("CreationDateTime", schema.createdAtMillis() / 1000.0);
        ArrayNode keys = description.putArray("KeySchema");
        ArrayNode definitions = description.putArray("AttributeDefinitions");
        keys.addObject().put("AttributeName", schema.partitionKey().name()).put("KeyType", "HASH");
        definitions
                .addObject()
                .put("AttributeName", schema.partitionKey().name())
                .put("AttributeType", schema.partitionKey().type());
        schema.sortKey().ifPresent(sort -> {
            keys.addObject().put("AttributeName", sort.name()).put("KeyType", "RANGE");
            definitions.addObject().put("AttributeName", sort.name()).put("AttributeType", sort.type());
        });
        long[] countAndSize = table.countAndSize();
        description.put("ItemCount", countAndSize[0]);
        description.put("TableSizeBytes", countAndSize[1]);
        description.putObject("BillingModeSummary").put("BillingMode", "PAY_PER_REQUEST");
        description
                .putObject("ProvisionedThroughput")
                .put("NumberOfDecreasesToday", 0)
                .put("ReadCapacityUnits", 0)
                .put("WriteCapacityUnits", 0);
        return description;
    }
}
