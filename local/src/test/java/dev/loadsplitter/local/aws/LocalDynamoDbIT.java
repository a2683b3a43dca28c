package dev.loadsplitter.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.testing.Dynalite;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The local DynamoDB endpoint answers as DynamoDB does, for what the function's bookkeeping asks:
 * each scenario runs through the real AWS SDK against it and, side by side, against dynalite (an
 * open-source DynamoDB-protocol server), with the same expectations. The stores built on it are
 * tested in {@link ProcessingRecordsIT}.
 */
class LocalDynamoDbIT {

    private static LocalAwsEndpoint local;
    private static Dynalite dynalite;
    private static int tables;

    @BeforeAll
    static void start() throws Exception {
        local = LocalAwsEndpoint.start("127.0.0.1", 0, Clock.systemUTC());
        try {
            dynalite = Dynalite.start();
        } catch (org.opentest4j.TestAbortedException notInstalled) {
            dynalite = null; // the local endpoint is still tested on its own
        }
    }

    @AfterAll
    static void stop() {
        local.close();
        if (dynalite != null) {
            dynalite.close();
        }
    }

    static Stream<String> endpoints() {
        return dynalite == null ? Stream.of("local") : Stream.of("local", "dynalite");
    }

    private static DynamoDbClient client(String endpoint) {
        return endpoint.equals("local")
                ? AwsClients.dynamoDb(Map.of(
                        "AWS_ENDPOINT_URL_DYNAMODB",
                        local.url().toString(),
                        "AWS_REGION",
                        "us-east-1",
                        "AWS_ACCESS_KEY_ID",
                        "local",
                        "AWS_SECRET_ACCESS_KEY",
                        "local"))
                : dynalite.client();
    }

    private static String newTable(DynamoDbClient dynamo) throws InterruptedException {
        String name = "records-" + (++tables);
        dynamo.createTable(r -> r.tableName(name)
                .billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("taskId").keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName("taskId").attributeType("S")));
        dynamo.waiter()
                .waitUntilTableExists(
                        r -> r.tableName(name),
                        w -> w.maxAttempts(1_500)
                                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(20))));
        return name;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void countersAddAndConditionsRefuse(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newTable(dynamo);
        Map<String, AttributeValue> key = Map.of("taskId", s("job#1"));

        var first = dynamo.updateItem(r -> r.tableName(table)
                .key(key)
                .updateExpression("SET #items = if_not_exists(#items, :n), lastActivity = :now ADD #processed :one")
                .expressionAttributeNames(Map.of("#items", "items", "#processed", "processed"))
                .expressionAttributeValues(Map.of(":n", n(5), ":now", n(100), ":one", n(1)))
                .returnValues(ReturnValue.ALL_NEW));
        var second = dynamo.updateItem(r -> r.tableName(table)
                .key(key)
                .updateExpression("SET #items = if_not_exists(#items, :n), lastActivity = lastActivity + :step "
                        + "ADD #processed :two")
                .expressionAttributeNames(Map.of("#items", "items", "#processed", "processed"))
                .expressionAttributeValues(Map.of(":n", n(9), ":step", n(5), ":two", n(2)))
                .returnValues(ReturnValue.ALL_NEW));

        assertThat(first.attributes()).containsEntry("items", n(5)).containsEntry("processed", n(1));
        assertThat(second.attributes())
                .containsEntry("items", n(5))
                .containsEntry("processed", n(3))
                .containsEntry("lastActivity", n(105));
        assertThatThrownBy(() -> dynamo.updateItem(r -> r.tableName(table)
                        .key(key)
                        .conditionExpression(
                                "attribute_not_exists(closedAt) AND (#processed >= #items OR begins_with(taskId, :p))")
                        .updateExpression("SET closedAt = :now")
                        .expressionAttributeNames(Map.of("#items", "items", "#processed", "processed"))
                        .expressionAttributeValues(Map.of(":now", n(1), ":p", s("nope")))))
                .isInstanceOf(ConditionalCheckFailedException.class);
        dynamo.updateItem(r -> r.tableName(table)
                .key(key)
                .conditionExpression("attribute_not_exists(closedAt) AND #processed BETWEEN :low AND #items")
                .updateExpression("SET closedAt = :now REMOVE lastActivity")
                .expressionAttributeNames(Map.of("#items", "items", "#processed", "processed"))
                .expressionAttributeValues(Map.of(":now", n(1), ":low", n(3))));
        Map<String, AttributeValue> item = dynamo.getItem(
                        r -> r.tableName(table).key(key).consistentRead(true))
                .item();
        assertThat(item).containsEntry("closedAt", n(1)).doesNotContainKey("lastActivity");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aTransactionWithAFailedConditionWritesNothingAndSaysWhich(String endpoint) throws Exception {
        // dynalite predates TransactWriteItems (2018); DynamoDB and the local endpoint have it.
        org.junit.jupiter.api.Assumptions.assumeTrue(endpoint.equals("local"), "dynalite has no TransactWriteItems");
        DynamoDbClient dynamo = client(endpoint);
        String table = newTable(dynamo);
        dynamo.putItem(r -> r.tableName(table).item(Map.of("taskId", s("job/1"), "state", s("DONE"))));

        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(
                        t -> t.update(u -> u.tableName(table)
                                .key(Map.of("taskId", s("job#1")))
                                .updateExpression("ADD #p :one")
                                .expressionAttributeNames(Map.of("#p", "processed"))
                                .expressionAttributeValues(Map.of(":one", n(1)))),
                        t -> t.update(u -> u.tableName(table)
                                .key(Map.of("taskId", s("job/1")))
                                .conditionExpression("#state <> :done")
                                .updateExpression("SET #state = :done")
                                .expressionAttributeNames(Map.of("#state", "state"))
                                .expressionAttributeValues(Map.of(":done", s("DONE")))))))
                .isInstanceOfSatisfying(
                        TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons())
                                .extracting(reason -> reason.code())
                                .containsExactly("None", "ConditionalCheckFailed"));
        assertThat(dynamo.getItem(r -> r.tableName(table).key(Map.of("taskId", s("job#1"))))
                        .hasItem())
                .isFalse();

        dynamo.transactWriteItems(r -> r.transactItems(
                t -> t.update(u -> u.tableName(table)
                        .key(Map.of("taskId", s("job#1")))
                        .updateExpression("ADD #p :one")
                        .expressionAttributeNames(Map.of("#p", "processed"))
                        .expressionAttributeValues(Map.of(":one", n(1)))),
                t -> t.update(u -> u.tableName(table)
                        .key(Map.of("taskId", s("job/2")))
                        .conditionExpression("attribute_not_exists(#state) OR #state <> :done")
                        .updateExpression("SET #state = :done")
                        .expressionAttributeNames(Map.of("#state", "state"))
                        .expressionAttributeValues(Map.of(":done", s("DONE"))))));
        assertThat(dynamo.getItem(r -> r.tableName(table).key(Map.of("taskId", s("job#1"))))
                        .item())
                .containsEntry("processed", n(1));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aScanFiltersAndPagesThroughEveryItem(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newTable(dynamo);
        for (int i = 0; i < 25; i++) {
            int index = i;
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of("taskId", s("item-" + index), "kind", s(index % 5 == 0 ? "job" : "task"))));
        }

        List<String> jobs = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(r -> r.tableName(table)
                    .limit(7)
                    .exclusiveStartKey(from)
                    .filterExpression("kind = :job")
                    .expressionAttributeValues(Map.of(":job", s("job"))));
            page.items().forEach(item -> jobs.add(item.get("taskId").s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            pages++;
        } while (start != null);

        assertThat(jobs).containsExactlyInAnyOrder("item-0", "item-5", "item-10", "item-15", "item-20");
        assertThat(pages).isBetween(4, 5);
    }

    private static String newSortedTable(DynamoDbClient dynamo, String sortType) throws InterruptedException {
        String name = "sorted-" + (++tables);
        dynamo.createTable(r -> r.tableName(name)
                .billingMode("PAY_PER_REQUEST")
                .keySchema(
                        k -> k.attributeName("pk").keyType("HASH"),
                        k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType("S"),
                        a -> a.attributeName("sk").attributeType(sortType)));
        dynamo.waiter()
                .waitUntilTableExists(
                        r -> r.tableName(name),
                        w -> w.maxAttempts(1_500)
                                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(20))));
        return name;
    }

    /** Every page of a query, its items' sort keys in the order they came. */
    private static List<String> sortKeys(DynamoDbClient dynamo, QueryRequest query, List<Integer> pageSizes) {
        List<String> keys = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page =
                    dynamo.query(query.toBuilder().exclusiveStartKey(start).build());
            page.items()
                    .forEach(item -> keys.add(
                            item.get("sk").s() != null
                                    ? item.get("sk").s()
                                    : item.get("sk").n()));
            pageSizes.add(page.count());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return keys;
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aQueryReadsOnePartitionInSortKeyOrderByUtf8BytesAndPagesForwardsAndBackwards(String endpoint)
            throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newSortedTable(dynamo, "S");
        // UTF-8 order; UTF-16 (String.compareTo) would put the emoji, a surrogate pair, before U+FFFD.
        List<String> ordered = List.of("a", "b", "b1", "\u00e9", "\ufffd", "\ud83d\ude00");
        for (String sk : ordered.reversed()) {
            dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s("job-1"), "sk", s(sk))));
        }
        dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s("job-2"), "sk", s("a"))));
        QueryRequest all = QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", s("job-1")))
                .limit(4)
                .build();

        List<Integer> pages = new java.util.ArrayList<>();
        assertThat(sortKeys(dynamo, all, pages)).containsExactlyElementsOf(ordered);
        assertThat(pages).as("two pages of Limit 4").containsExactly(4, 2);
        assertThat(sortKeys(dynamo, all.toBuilder().scanIndexForward(false).build(), new java.util.ArrayList<>()))
                .containsExactlyElementsOf(ordered.reversed());
        assertThat(sortKeys(
                        dynamo,
                        all.toBuilder()
                                .limit(null)
                                .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                                .expressionAttributeValues(
                                        Map.of(":pk", s("job-1"), ":from", s("b"), ":to", s("\u00e9")))
                                .build(),
                        new java.util.ArrayList<>()))
                .containsExactly("b", "b1", "\u00e9");
        assertThat(sortKeys(
                        dynamo,
                        all.toBuilder()
                                .keyConditionExpression("#p = :pk AND begins_with(#s, :b)")
                                .expressionAttributeNames(Map.of("#p", "pk", "#s", "sk"))
                                .expressionAttributeValues(Map.of(":pk", s("job-1"), ":b", s("b")))
                                .scanIndexForward(false)
                                .build(),
                        new java.util.ArrayList<>()))
                .containsExactly("b1", "b");
        assertThat(sortKeys(
                        dynamo,
                        all.toBuilder()
                                .keyConditionExpression("pk = :pk AND sk > :b")
                                .expressionAttributeValues(Map.of(":pk", s("job-1"), ":b", s("b1")))
                                .build(),
                        new java.util.ArrayList<>()))
                .containsExactly("\u00e9", "\ufffd", "\ud83d\ude00");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void numericSortKeysSortByValueAndSelectCountCountsWhatTheFilterKeeps(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newSortedTable(dynamo, "N");
        for (String sk : List.of("10", "9", "-1", "1.5", "100")) {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of(
                            "pk",
                            s("job-1"),
                            "sk",
                            AttributeValue.fromN(sk),
                            "odd",
                            AttributeValue.fromBool(sk.equals("9")))));
        }
        QueryRequest query = QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("pk = :pk AND sk <= :max")
                .expressionAttributeValues(Map.of(":pk", s("job-1"), ":max", AttributeValue.fromN("10")))
                .build();

        assertThat(dynamo.query(query).items())
                .extracting(item -> item.get("sk").n())
                .containsExactly("-1", "1.5", "9", "10");
        QueryResponse count = dynamo.query(query.toBuilder()
                .select("COUNT")
                .filterExpression("odd = :yes")
                .expressionAttributeValues(Map.of(
                        ":pk", s("job-1"), ":max", AttributeValue.fromN("10"), ":yes", AttributeValue.fromBool(true)))
                .build());
        assertThat(count.count()).isEqualTo(1);
        assertThat(count.scannedCount()).isEqualTo(4);
        assertThat(count.hasItems()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aPageStopsAtOneMegabyteOfItemsRead(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newSortedTable(dynamo, "S");
        String data = "x".repeat(100 * 1024);
        for (int i = 0; i < 15; i++) {
            String sk = String.format("%02d", i);
            dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s("job-1"), "sk", s(sk), "data", s(data))));
        }

        List<Integer> pages = new java.util.ArrayList<>();
        List<String> keys = sortKeys(
                dynamo,
                QueryRequest.builder()
                        .tableName(table)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s("job-1")))
                        .build(),
                pages);

        assertThat(keys).hasSize(15);
        assertThat(pages.getFirst())
                .as("100 KB items: the eleventh takes the page past 1 MB")
                .isEqualTo(11);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void batchesWriteAndReadManyItemsAndProjectionsReturnOnlyTheirPaths(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newTable(dynamo);
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> puts = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            puts.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                    .putRequest(p -> p.item(Map.of(
                            "taskId", s("part-" + puts.size()),
                            "job", AttributeValue.fromM(Map.of("id", s("job-1"), "items", n(3))),
                            "tags", AttributeValue.fromL(List.of(s("a"), s("b"), s("c"))))))
                    .build());
        }
        assertThat(dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, puts)))
                        .unprocessedItems())
                .isEmpty();
        List<Map<String, AttributeValue>> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            keys.add(Map.of("taskId", s("part-" + i)));
        }

        var got = dynamo.batchGetItem(r -> r.requestItems(Map.of(
                table,
                software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder()
                        .keys(keys)
                        .projectionExpression("taskId, #job.#items, tags[1]")
                        .expressionAttributeNames(Map.of("#job", "job", "#items", "items"))
                        .build())));

        assertThat(got.responses().get(table)).hasSize(25).allSatisfy(item -> {
            assertThat(item.get("job").m()).containsOnlyKeys("items");
            assertThat(item.get("tags").l()).containsExactly(s("b"));
        });
        assertThatThrownBy(() ->
                        dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(puts.get(0), puts.get(0))))))
                .hasMessageContaining("Provided list of item keys contains duplicates");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aReservedWordNamesAnAttributeOnlyThroughAPlaceholder(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newTable(dynamo);

        assertThatThrownBy(() -> dynamo.updateItem(r -> r.tableName(table)
                        .key(Map.of("taskId", s("job#1")))
                        .updateExpression("SET items = :n")
                        .expressionAttributeValues(Map.of(":n", n(1)))))
                .hasMessageContaining("Attribute name is a reserved keyword; reserved keyword: items");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aPlaceholderNoExpressionUsesIsRefused(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newTable(dynamo);

        assertThatThrownBy(() -> dynamo.updateItem(r -> r.tableName(table)
                        .key(Map.of("taskId", s("job#1")))
                        .updateExpression("SET a = :a")
                        .expressionAttributeValues(Map.of(":a", n(1), ":unused", n(2)))))
                .hasMessageContaining(
                        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aFailedConditionCarriesTheItemWhenAskedAndReturnValuesSayWhatChanged(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newTable(dynamo);
        Map<String, AttributeValue> key = Map.of("taskId", s("job#1"));
        dynamo.putItem(r -> r.tableName(table).item(Map.of("taskId", s("job#1"), "n", n(1), "kept", s("yes"))));

        var updated = dynamo.updateItem(r -> r.tableName(table)
                .key(key)
                .updateExpression("ADD n :one")
                .expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues(ReturnValue.UPDATED_NEW));
        assertThat(updated.attributes()).containsExactly(Map.entry("n", n(2)));
        var old = dynamo.putItem(r ->
                r.tableName(table).item(Map.of("taskId", s("job#1"), "n", n(7))).returnValues(ReturnValue.ALL_OLD));
        assertThat(old.attributes()).containsEntry("kept", s("yes")).containsEntry("n", n(2));
        assertThat(dynamo.getItem(r ->
                                r.tableName(table).key(key).consistentRead(true).projectionExpression("n"))
                        .item())
                .containsExactly(Map.entry("n", n(7)));

        org.junit.jupiter.api.Assumptions.assumeTrue(
                endpoint.equals("local"), "dynalite predates ReturnValuesOnConditionCheckFailure (2023)");
        assertThatThrownBy(() -> dynamo.deleteItem(r -> r.tableName(table)
                        .key(key)
                        .conditionExpression("n = :zero")
                        .expressionAttributeValues(Map.of(":zero", n(0)))
                        .returnValuesOnConditionCheckFailure("ALL_OLD")))
                .isInstanceOfSatisfying(
                        ConditionalCheckFailedException.class,
                        e -> assertThat(e.item()).containsEntry("n", n(7)));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aQueryNeedsItsPartitionKeyWithEqualsAndStaysInItsPartition(String endpoint) throws Exception {
        DynamoDbClient dynamo = client(endpoint);
        String table = newSortedTable(dynamo, "S");

        assertThatThrownBy(() -> dynamo.query(r -> r.tableName(table)
                        .keyConditionExpression("sk = :a")
                        .expressionAttributeValues(Map.of(":a", s("a")))))
                .hasMessageContaining("Query condition missed key schema element");
        assertThatThrownBy(() -> dynamo.query(r -> r.tableName(table)
                        .keyConditionExpression("pk = :p")
                        .expressionAttributeValues(Map.of(":p", s("job-1")))
                        .exclusiveStartKey(Map.of("pk", s("job-2"), "sk", s("a")))))
                .hasMessageContaining("The provided starting key is outside query boundaries");
    }
}
