package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code BatchGetItem} (up to 100 keys) and {@code BatchWriteItem} (up to 25 puts and deletes), item
 * by item: an item over its capacity (or, for a write, pending in a transaction) is handed back in
 * {@code UnprocessedKeys}/{@code UnprocessedItems} for the caller to retry, as DynamoDB does; when
 * every item of the batch is throttled, the whole call is throttled. A BatchGetItem answers at most
 * 16 MB; the keys past that come back unprocessed too.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
final class ItemBatches {

    static final int MAX_GETS = 100;
    static final int MAX_WRITES = 25;
    static final long MAX_GET_BYTES = 16L * 1024 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final TableCatalog catalog;
    private final ItemThrottle throttle;
    private final UsageMeter usage;
    private final ChangeLog log;

    ItemBatches(TableCatalog catalog, ItemThrottle throttle, UsageMeter usage, ChangeLog log) {
        this.catalog = catalog;
        this.throttle = throttle;
        this.usage = usage;
        this.log = log;
    }

    JsonNode batchGetItem(JsonNode request) {
        JsonNode requestItems = request.path("RequestItems");
        int keys = 0;
        for (JsonNode table : requestItems) {
            keys += table.path("Keys").size();
        }
        if (!requestItems.isObject() || keys == 0 || keys > MAX_GETS) {
            throw DynamoDbException.validation("Too many items requested for the BatchGetItem call: a batch holds 1 to "
                    + MAX_GETS + " keys, got " + keys);
        }
        ObjectNode response = NODES.objectNode();
        ObjectNode responses = response.putObject("Responses");
        ObjectNode unprocessed = response.putObject("UnprocessedKeys");
        Map<String, long[]> consumed = new LinkedHashMap<>();
        int throttled = 0;
        long bytes = 0;
        for (Map.Entry<String, JsonNode> entry : requestItems.properties()) {
            Table table = catalog.table(entry.getKey());
            JsonNode spec = entry.getValue();
            Placeholders placeholders = Placeholders.of(spec);
            Projection projection = Projection.of(spec, placeholders);
            placeholders.requireAllUsed();
            boolean consistent = spec.path("ConsistentRead").asBoolean(false);
            Set<ItemKey> seen = new HashSet<>();
            ArrayNode found = responses.putArray(table.name());
            for (JsonNode keyJson : spec.path("Keys")) {
                ItemKey key = table.schema().keyOf(keyJson);
                if (!seen.add(key)) {
                    throw DynamoDbException.validation("Provided list of item keys contains duplicates");
                }
                StoredItem item = table.get(key);
                long halves = CapacityUnits.readHalves(item == null ? 0 : item.size(), consistent);
                if (bytes >= MAX_GET_BYTES || !throttle.tryRead(table, key, halves)) {
                    throttled += bytes >= MAX_GET_BYTES ? 0 : 1;
                    unprocessedKeys(unprocessed, table.name(), spec).add(keyJson);
                    continue;
                }
                usage.read("BatchGetItem", halves);
                consumed.computeIfAbsent(table.name(), name -> new long[2])[1] += halves;
                if (item != null) {
                    bytes += item.size();
                    found.add(projection.apply(item));
                }
            }
        }
        if (throttled == keys) {
            usage.throttled("BatchGetItem");
            throw DynamoDbException.throttled(requestItems.fieldNames().next(), "Read");
        }
        ConsumedCapacity.addPerTable(response, request, consumed);
        return response;
    }

    private static ArrayNode unprocessedKeys(ObjectNode unprocessed, String table, JsonNode spec) {
        if (!unprocessed.has(table)) {
            ObjectNode copy = spec.deepCopy();
            copy.putArray("Keys");
            unprocessed.set(table, copy);
        }
        return (ArrayNode) unprocessed.get(table).get("Keys");
    }

    JsonNode batchWriteItem(JsonNode request) {
        JsonNode requestItems = request.path("RequestItems");
        int writes = 0;
        for (JsonNode table : requestItems) {
            writes += table.size();
        }
        if (!requestItems.isObject() || writes == 0 || writes > MAX_WRITES) {
            throw DynamoDbException.validation("Member must have length less than or equal to " + MAX_WRITES
                    + ": a BatchWriteItem holds 1 to " + MAX_WRITES + " puts and deletes, got " + writes);
        }
        // Everything is checked before anything is written, as DynamoDB validates the whole batch first.
        List<Map.Entry<JsonNode, ItemWrite>> parsed = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : requestItems.properties()) {
            Table table = catalog.table(entry.getKey());
            Set<ItemKey> seen = new HashSet<>();
            for (JsonNode write : entry.getValue()) {
                ItemWrite item;
                if (write.has("PutRequest") && write.size() == 1) {
                    item = ItemWrite.parse(ItemWrite.Kind.PUT, table, write.get("PutRequest"));
                } else if (write.has("DeleteRequest") && write.size() == 1) {
                    item = ItemWrite.parse(ItemWrite.Kind.DELETE, table, write.get("DeleteRequest"));
                } else {
                    throw DynamoDbException.validation(
                            "A WriteRequest holds exactly one PutRequest or DeleteRequest: " + write);
                }
                if (!seen.add(item.key())) {
                    throw DynamoDbException.validation("Provided list of item keys contains duplicates");
                }
                parsed.add(Map.entry(write, item));
            }
        }
        ObjectNode response = NODES.objectNode();
        ObjectNode unprocessed = response.putObject("UnprocessedItems");
        Map<String, long[]> consumed = new LinkedHashMap<>();
        int throttled = 0;
        for (Map.Entry<JsonNode, ItemWrite> entry : parsed) {
            ItemWrite write = entry.getValue();
            Table table = write.table();
            boolean applied = false;
            ItemSlot slot = table.lock(write.key());
            try {
                if (slot.pendingOwner() == null) {
                    ItemWrite.Outcome outcome = write.evaluate(slot.committed());
                    long units = CapacityUnits.write(outcome.size());
                    if (throttle.tryWrite(table, write.key(), units)) {
                        usage.write("BatchWriteItem", units);
                        consumed.computeIfAbsent(table.name(), name -> new long[2])[0] += units;
                        if (outcome.changes()) {
                            log.written(new ChangeLog.Change(table.schema(), write.keyJson(), outcome.after()));
                            slot.commit(outcome.after());
                        }
                        applied = true;
                    } else {
                        throttled++;
                    }
                }
            } finally {
                table.release(write.key(), slot);
            }
            if (!applied) {
                if (!unprocessed.has(table.name())) {
                    unprocessed.putArray(table.name());
                }
                ((ArrayNode) unprocessed.get(table.name())).add(entry.getKey());
            }
        }
        if (throttled == writes) {
            usage.throttled("BatchWriteItem");
            throw DynamoDbException.throttled(
                    parsed.getFirst().getValue().table().name(), "Write");
        }
        ConsumedCapacity.addPerTable(response, request, consumed);
        return response;
    }
}
