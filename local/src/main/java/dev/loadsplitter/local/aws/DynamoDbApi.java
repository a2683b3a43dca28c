package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.internal.time.Sleeper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * DynamoDB's JSON API over the endpoint's tables: one operation at a time, by its name (the part of
 * {@code X-Amz-Target} after the dot), metered per operation. The work is done by one class per
 * family of operations: {@link TableCatalog}, {@link ItemReads}, {@link ItemWrites},
 * {@link ItemQueries}, {@link ItemBatches} and {@link TransactWrites}.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
 */
final class DynamoDbApi {

    /** The operations that write, which a CONFLICT fault refuses as a concurrent transaction would. */
    static final Set<String> WRITES =
            Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem");

    private final TableCatalog catalog;
    private final ItemReads reads;
    private final ItemWrites writes;
    private final ItemQueries queries;
    private final ItemBatches batches;
    private final TransactWrites transactions;
    private final ClientTokens tokens;
    private final ItemThrottle throttle;
    private final UsageMeter usage = new UsageMeter();
    private final TimeToLiveSweep timeToLive;

    DynamoDbApi(Clock clock, Sleeper sleeper, LocalAwsSettings settings, ChangeLog log) {
        this.throttle = new ItemThrottle(settings.itemCapacity(), clock);
        this.catalog = new TableCatalog(clock, log, throttle);
        this.tokens = new ClientTokens(clock, settings.maxClientTokens());
        this.reads = new ItemReads(catalog, throttle, usage);
        this.writes = new ItemWrites(catalog, throttle, usage, log);
        this.queries = new ItemQueries(catalog, usage);
        this.batches = new ItemBatches(catalog, throttle, usage, log);
        this.transactions =
                new TransactWrites(catalog, throttle, usage, log, tokens, settings.transactionWindow(), sleeper);
        this.timeToLive = new TimeToLiveSweep(catalog, log, clock);
    }

    TableCatalog catalog() {
        return catalog;
    }

    ClientTokens tokens() {
        return tokens;
    }

    DynamoDbUsage usage() {
        return usage.snapshot();
    }

    /** Answers one request. */
    JsonNode handle(String operation, JsonNode request) {
        usage.call(operation);
        return switch (operation) {
            case "CreateTable" -> catalog.createTable(request);
            case "DescribeTable" -> catalog.describeTable(request);
            case "DeleteTable" -> catalog.deleteTable(request);
            case "ListTables" -> catalog.listTables(request);
            case "UpdateTimeToLive" -> catalog.updateTimeToLive(request);
            case "DescribeTimeToLive" -> catalog.describeTimeToLive(request);
            case "GetItem" -> reads.getItem(request);
            case "PutItem" -> writes.putItem(request);
            case "UpdateItem" -> writes.updateItem(request);
            case "DeleteItem" -> writes.deleteItem(request);
            case "Query" -> queries.query(request);
            case "Scan" -> queries.scan(request);
            case "BatchGetItem" -> batches.batchGetItem(request);
            case "BatchWriteItem" -> batches.batchWriteItem(request);
            case "TransactWriteItems" -> transactions.transactWriteItems(request);
            default ->
                throw new DynamoDbException(
                        "UnknownOperationException",
                        "The local DynamoDB endpoint does not serve " + operation + "; it serves CreateTable, "
                                + "DescribeTable, DeleteTable, ListTables, UpdateTimeToLive, DescribeTimeToLive, "
                                + "GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem, "
                                + "BatchWriteItem and TransactWriteItems.");
        };
    }

    /** A request an injected THROTTLE fault refuses, applying nothing: DynamoDB's throttling error. */
    DynamoDbException throttled(String operation, JsonNode request) {
        usage.call(operation);
        usage.throttled(operation);
        String table = request.path("TableName").asText("");
        if (table.isEmpty()
                && request.path("RequestItems").isObject()
                && request.path("RequestItems").size() > 0) {
            table = request.path("RequestItems").fieldNames().next();
        }
        if (table.isEmpty() && request.path("TransactItems").isArray()) {
            JsonNode first = request.path("TransactItems").path(0);
            table = first.isObject() && first.size() > 0
                    ? first.elements().next().path("TableName").asText("")
                    : "";
        }
        return DynamoDbException.throttled(
                table.isEmpty() ? "unknown" : table,
                operation.contains("Get") || operation.equals("Query") || operation.equals("Scan") ? "Read" : "Write");
    }

    /**
     * A write an injected CONFLICT fault refuses, applying nothing, as a concurrent transaction on its
     * item would: a transaction is cancelled (its first action {@code TransactionConflict}, the others
     * {@code None}), a plain write gets {@code TransactionConflictException}, and a batch hands every
     * item back unprocessed.
     */
    JsonNode conflict(String operation, JsonNode request) {
        usage.call(operation);
        switch (operation) {
            case "TransactWriteItems" -> {
                int actions = Math.max(1, request.path("TransactItems").size());
                List<TransactionCanceled.Reason> reasons = new ArrayList<>();
                reasons.add(TransactionCanceled.Reason.CONFLICT);
                for (int i = 1; i < actions; i++) {
                    reasons.add(TransactionCanceled.Reason.NONE);
                }
                throw new TransactionCanceled(reasons);
            }
            case "BatchWriteItem" -> {
                ObjectNode response = JsonNodeFactory.instance.objectNode();
                response.set("UnprocessedItems", request.path("RequestItems").deepCopy());
                return response;
            }
            default -> throw DynamoDbException.transactionConflict();
        }
    }

    /** Deletes expired items now; how many. */
    int sweepExpired() {
        return timeToLive.sweep();
    }

    /** Drops throttling state that no longer throttles anything. */
    void dropIdleCapacity() {
        throttle.dropIdle();
        tokens.purge();
    }
}
