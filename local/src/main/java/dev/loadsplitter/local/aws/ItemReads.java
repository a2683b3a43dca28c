package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GetItem}: the committed item, read without a lock (a write pending in a transaction is not
 * seen), projected as asked. Every read is as fresh as a strongly consistent one; {@code ConsistentRead}
 * decides only what it costs: a unit per 4 KB, half that when eventually consistent.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
 */
final class ItemReads {

    private final TableCatalog catalog;
    private final ItemThrottle throttle;
    private final UsageMeter usage;

    ItemReads(TableCatalog catalog, ItemThrottle throttle, UsageMeter usage) {
        this.catalog = catalog;
        this.throttle = throttle;
        this.usage = usage;
    }

    JsonNode getItem(JsonNode request) {
        Table table = catalog.table(request);
        ItemKey key = table.schema().keyOf(request.path("Key"));
        Placeholders placeholders = Placeholders.of(request);
        Projection projection = Projection.of(request, placeholders);
        placeholders.requireAllUsed();
        boolean consistent = request.path("ConsistentRead").asBoolean(false);
        StoredItem item = table.get(key);
        long halves = CapacityUnits.readHalves(item == null ? 0 : item.size(), consistent);
        if (!throttle.tryRead(table, key, halves)) {
            usage.throttled("GetItem");
            throw DynamoDbException.throttled(table.name(), "Read");
        }
        usage.read("GetItem", halves);
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        if (item != null) {
            response.set("Item", projection.apply(item));
        }
        ConsumedCapacity.add(response, request, table.name(), 0, halves);
        return response;
    }
}
