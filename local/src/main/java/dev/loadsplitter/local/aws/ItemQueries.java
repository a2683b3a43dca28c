package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code Query} (one partition's items in sort key order, forwards or backwards, narrowed by a key
 * condition) and {@code Scan} (every item, optionally one segment of a parallel scan), with
 * {@code FilterExpression}, {@code ProjectionExpression}, {@code Select} ({@code COUNT} among them),
 * {@code Limit}, {@code ExclusiveStartKey}/{@code LastEvaluatedKey} paging and DynamoDB's 1 MB page:
 * {@code Limit} and the 1 MB count the items read before the filter (the item that crosses 1 MB ends the
 * page), and a page that stopped at either
 * says where to go on, even when nothing is left. Both read committed items, without locks; they are
 * metered (a unit per 4 KB read, half that when eventually consistent) but not throttled per item.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html
 */
final class ItemQueries {

    /** The most a Query or Scan reads for one page. */
    static final long PAGE_BYTES = 1024 * 1024;

    private final TableCatalog catalog;
    private final UsageMeter usage;

    ItemQueries(TableCatalog catalog, UsageMeter usage) {
        this.catalog = catalog;
        this.usage = usage;
    }

    JsonNode query(JsonNode request) {
        Table table = catalog.table(request);
        refuseIndex(request);
        String keyCondition = request.path("KeyConditionExpression").asText("");
        if (keyCondition.isEmpty()) {
            throw DynamoDbException.validation("Either the KeyConditions or KeyConditionExpression parameter must be "
                    + "specified in the request (KeyConditions, the legacy one, is not served here).");
        }
        Placeholders placeholders = Placeholders.of(request);
        KeyCondition condition = Expressions.keyCondition(keyCondition, placeholders, table.schema());
        Page page = Page.of(request, placeholders);
        NavigableMap<ItemKey, ItemSlot> items = condition.range().apply(table.partition(condition.partition()));
        if (!request.path("ScanIndexForward").asBoolean(true)) {
            items = items.descendingMap();
        }
        if (request.has("ExclusiveStartKey")) {
            ItemKey start = table.schema().keyOf(request.get("ExclusiveStartKey"));
            if (!start.partition().equals(condition.partition())) {
                throw DynamoDbException.validation(
                        "The provided starting key is outside query boundaries based on provided conditions");
            }
            items = items.tailMap(start, false);
        }
        return page.read("Query", table, request, items, item -> true, usage);
    }

    JsonNode scan(JsonNode request) {
        Table table = catalog.table(request);
        refuseIndex(request);
        Placeholders placeholders = Placeholders.of(request);
        Page page = Page.of(request, placeholders);
        Optional<ItemKey> start = request.has("ExclusiveStartKey")
                ? Optional.of(table.schema().keyOf(request.get("ExclusiveStartKey")))
                : Optional.empty();
        Predicate<ItemKey> segment = segment(request);
        return page.read("Scan", table, request, table.after(start), segment, usage);
    }

    private static void refuseIndex(JsonNode request) {
        if (request.has("IndexName")) {
            throw DynamoDbException.validation("The table does not have the specified index: "
                    + request.get("IndexName").asText() + " (the local endpoint has no secondary indexes)");
        }
    }

    /** The items of a parallel scan's segment: partitions spread over the segments by their key's hash. */
    private static Predicate<ItemKey> segment(JsonNode request) {
        if (!request.has("Segment") && !request.has("TotalSegments")) {
            return key -> true;
        }
        int total = request.path("TotalSegments").asInt(0);
        int segment = request.path("Segment").asInt(-1);
        if (total < 1 || total > 1_000_000 || segment < 0 || segment >= total) {
            throw DynamoDbException.validation("Segment and TotalSegments go together: TotalSegments from 1 to "
                    + "1000000, Segment from 0 to TotalSegments - 1; got " + segment + " of " + total);
        }
        return key -> Math.floorMod(Integer.rotateLeft(key.partition().hashCode() * 0x9E3779B9, 16), total) == segment;
    }

    /** How one page is read and answered: filter, projection, Select and Limit. */
    private record Page(Predicate<Map<String, JsonNode>> filter, Projection projection, boolean countOnly, int limit) {

        static Page of(JsonNode request, Placeholders placeholders) {
            String filterText = request.path("FilterExpression").asText("");
            Predicate<Map<String, JsonNode>> filter = filterText.isEmpty()
                    ? item -> true
                    : Expressions.condition("FilterExpression", filterText, placeholders);
            Projection projection = Projection.of(request, placeholders);
            placeholders.requireAllUsed();
            String select =
                    request.path("Select").asText(projection.isAll() ? "ALL_ATTRIBUTES" : "SPECIFIC_ATTRIBUTES");
            switch (select) {
                case "ALL_ATTRIBUTES", "COUNT" -> {
                    if (!projection.isAll()) {
                        throw DynamoDbException.validation("Cannot specify the ProjectionExpression when choosing to "
                                + "get " + select + "; use Select SPECIFIC_ATTRIBUTES or no Select");
                    }
                }
                case "SPECIFIC_ATTRIBUTES" -> {
                    if (projection.isAll()) {
                        throw DynamoDbException.validation(
                                "Select SPECIFIC_ATTRIBUTES needs a ProjectionExpression naming them");
                    }
                }
                case "ALL_PROJECTED_ATTRIBUTES" ->
                    throw DynamoDbException.validation(
                            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying or " + "Scanning an index");
                default ->
                    throw DynamoDbException.validation("Select must be ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, "
                            + "SPECIFIC_ATTRIBUTES or COUNT, got " + select);
            }
            int limit = request.path("Limit").asInt(Integer.MAX_VALUE);
            if (request.has("Limit") && limit < 1) {
                throw DynamoDbException.validation("Limit must be greater than or equal to 1, got " + limit);
            }
            return new Page(filter, projection, select.equals("COUNT"), limit);
        }

        JsonNode read(
                String operation,
                Table table,
                JsonNode request,
                NavigableMap<ItemKey, ItemSlot> items,
                Predicate<ItemKey> segment,
                UsageMeter usage) {
            boolean consistent = request.path("ConsistentRead").asBoolean(false);
            ObjectNode response = JsonNodeFactory.instance.objectNode();
            ArrayNode page = countOnly ? null : response.putArray("Items");
            int scanned = 0;
            int count = 0;
            long bytes = 0;
            StoredItem last = null;
            boolean stopped = false;
            for (Map.Entry<ItemKey, ItemSlot> entry : items.entrySet()) {
                StoredItem item = entry.getValue().committed();
                if (item == null || !segment.test(entry.getKey())) {
                    continue;
                }
                // The item that takes the page past 1 MB is the page's last, as in DynamoDB (and dynalite).
                if (scanned == limit || bytes >= PAGE_BYTES) {
                    stopped = true;
                    break;
                }
                scanned++;
                bytes += item.size();
                last = item;
                if (filter.test(item.attributes())) {
                    count++;
                    if (page != null) {
                        page.add(projection.apply(item));
                    }
                }
            }
            // A page that reached its Limit says where to go on, as DynamoDB does, even if nothing is left.
            if (last != null && (stopped || scanned == limit)) {
                response.set("LastEvaluatedKey", table.schema().keyJson(last.attributes()));
            }
            response.put("Count", count);
            response.put("ScannedCount", scanned);
            long halves = CapacityUnits.readHalves(bytes, consistent);
            usage.read(operation, halves);
            ConsumedCapacity.add(response, request, table.name(), 0, halves);
            return response;
        }
    }
}
