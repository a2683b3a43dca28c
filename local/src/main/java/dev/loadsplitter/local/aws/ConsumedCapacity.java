package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ConsumedCapacity} a response carries when its request set {@code ReturnConsumedCapacity}
 * to TOTAL or INDEXES: one object for a single-table operation, a list per table for transactions
 * and batches. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ConsumedCapacity.html
 */
final class ConsumedCapacity {

    private ConsumedCapacity() {}

    private static boolean wanted(JsonNode request) {
        String mode = request.path("ReturnConsumedCapacity").asText("NONE");
        if (!Set.of("NONE", "TOTAL", "INDEXES").contains(mode)) {
            throw DynamoDbException.validation("ReturnConsumedCapacity must be NONE, TOTAL or INDEXES, got " + mode);
        }
        return !mode.equals("NONE");
    }

    /** Adds one table's consumption to a single-table response. */
    static void add(ObjectNode response, JsonNode request, String table, long writeUnits, long readHalves) {
        if (wanted(request)) {
            response.set("ConsumedCapacity", of(table, writeUnits, readHalves));
        }
    }

    /** Adds each table's write units to a transaction's or batch's response. */
    static void addPerTable(ObjectNode response, JsonNode request, Map<String, long[]> unitsByTable) {
        if (wanted(request)) {
            ArrayNode list = response.putArray("ConsumedCapacity");
            unitsByTable.forEach((table, units) -> list.add(of(table, units[0], units[1])));
        }
    }

    private static ObjectNode of(String table, long writeUnits, long readHalves) {
        double total = writeUnits + readHalves / 2.0;
        ObjectNode capacity =
                JsonNodeFactory.instance.objectNode().put("TableName", table).put("CapacityUnits", total);
        if (writeUnits > 0) {
            capacity.put("WriteCapacityUnits", (double) writeUnits);
        }
        if (readHalves > 0) {
            capacity.put("ReadCapacityUnits", readHalves / 2.0);
        }
        return capacity;
    }
}
