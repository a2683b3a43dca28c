package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code PutItem}, {@code UpdateItem} and {@code DeleteItem}: each holds its one item's lock while
 * it checks the item is not pending in a transaction, tests its condition, takes the item's write
 * capacity, records the change and stores it. A failed condition still costs its write units, as on
 * DynamoDB; a throttled or conflicting write costs nothing.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.ConditionalUpdate
 */
final class ItemWrites {

    private final TableCatalog catalog;
    private final ItemThrottle throttle;
    private final UsageMeter usage;
    private final ChangeLog log;

    ItemWrites(TableCatalog catalog, ItemThrottle throttle, UsageMeter usage, ChangeLog log) {
        this.catalog = catalog;
        this.throttle = throttle;
        this.usage = usage;
        this.log = log;
    }

    JsonNode putItem(JsonNode request) {
        return write("PutItem", ItemWrite.Kind.PUT, request);
    }

    JsonNode updateItem(JsonNode request) {
        return write("UpdateItem", ItemWrite.Kind.UPDATE, request);
    }

    JsonNode deleteItem(JsonNode request) {
        return write("DeleteItem", ItemWrite.Kind.DELETE, request);
    }

    private JsonNode write(String operation, ItemWrite.Kind kind, JsonNode request) {
        Table table = catalog.table(request);
        ItemWrite write = ItemWrite.parse(kind, table, request);
        ItemWrite.Outcome outcome;
        long units;
        ItemSlot slot = table.lock(write.key());
        try {
            if (slot.pendingOwner() != null) {
                throw DynamoDbException.transactionConflict();
            }
            outcome = write.evaluate(slot.committed());
            units = CapacityUnits.write(outcome.size());
            if (!throttle.tryWrite(table, write.key(), units)) {
                usage.throttled(operation);
                throw DynamoDbException.throttled(table.name(), "Write");
            }
            usage.write(operation, units);
            if (!outcome.conditionHolds()) {
                throw DynamoDbException.conditionFailed(write.itemOnConditionFailure(outcome));
            }
            if (outcome.changes()) {
                log.written(new ChangeLog.Change(table.schema(), write.keyJson(), outcome.after()));
                slot.commit(outcome.after());
            }
        } finally {
            table.release(write.key(), slot);
        }
        ObjectNode response = write.response(outcome);
        ConsumedCapacity.add(response, request, table.name(), units, 0);
        return response;
    }
}
