package dev.loadsplitter.local.aws;

import static dev.loadsplitter.local.aws.EndpointClients.key;
import static dev.loadsplitter.local.aws.EndpointClients.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.engine.testing.SteppingClock;
import dev.loadsplitter.local.fault.CallFaults;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Throttling per item at DynamoDB's partition rates (1,000 write units and 3,000 read units a
 * second, about a second of burst), on a clock that moves only when the test moves it, so each
 * figure is exact: 100 KB items cost 100 write units a put and 25 read units a consistent read.
 */
class ThrottlingIT {

    private static final String TABLE = "records";
    /** With a three-letter "pk" ("hot") and the name "data", an item of exactly 100 KB. */
    private static final String DATA = "x".repeat(100 * 1024 - 2 - 3 - 4);

    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-12-03T10:00:00Z"));
    private LocalAwsEndpoint endpoint;
    private DynamoDbClient dynamo;

    @BeforeEach
    void start() {
        endpoint = LocalAwsEndpoint.start("127.0.0.1", 0, clock, LocalAwsSettings.defaults(), CallFaults.NONE);
        dynamo = EndpointClients.dynamoDbWithoutRetries(endpoint);
        EndpointClients.createTable(dynamo, TABLE, null);
    }

    @AfterEach
    void stop() {
        dynamo.close();
        endpoint.close();
    }

    private void putBig(String pk) {
        dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s(pk), "data", s(DATA))));
    }

    private void readHot(boolean consistent) {
        dynamo.getItem(r -> r.tableName(TABLE).key(key("hot")).consistentRead(consistent));
    }

    @Test
    void aHotItemIsThrottledPastItsBurstWhileOtherItemsAreNot() {
        assertThat(ItemCapacity.DYNAMODB).isEqualTo(new ItemCapacity(1_000, 3_000, Duration.ofSeconds(1)));
        DynamoDbUsage before = endpoint.dynamoDbUsage();
        for (int i = 0; i < 10; i++) {
            putBig("hot");
        }

        assertThatThrownBy(() -> putBig("hot")).isInstanceOfSatisfying(ThrottlingException.class, e -> {
            assertThat(e.isThrottlingException())
                    .as("the SDK's own test of a throttling error")
                    .isTrue();
            assertThat(e.awsErrorDetails().errorMessage()).startsWith("Throughput exceeds the current capacity");
            assertThat(e.throttlingReasons()).singleElement().satisfies(reason -> {
                assertThat(reason.reason()).isEqualTo("TableWriteKeyRangeThroughputExceeded");
                assertThat(reason.resource()).endsWith(":table/" + TABLE);
            });
        });
        putBig("icy");
        clock.advance(Duration.ofMillis(100));
        putBig("hot");
        assertThatThrownBy(() -> putBig("hot")).isInstanceOf(ThrottlingException.class);

        DynamoDbUsage.OperationUsage puts =
                endpoint.dynamoDbUsage().minus(before).operation("PutItem");
        assertThat(puts).isEqualTo(new DynamoDbUsage.OperationUsage(14, 1_200, 0, 2));
    }

    @Test
    void readsAndWritesShareTheItemsCapacityLinearly() {
        for (int i = 0; i < 5; i++) {
            putBig("hot"); // 500 write units: half a second of the item's capacity
        }
        DynamoDbUsage before = endpoint.dynamoDbUsage();
        for (int i = 0; i < 60; i++) {
            readHot(true); // 60 x 25 read units: the other half
        }
        assertThatThrownBy(() -> readHot(false)).isInstanceOf(ThrottlingException.class);

        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 240; i++) {
            readHot(false); // eventually consistent: 12.5 units each, 3,000 in all
        }
        assertThatThrownBy(() -> readHot(false)).isInstanceOf(ThrottlingException.class);
        assertThat(endpoint.dynamoDbUsage().minus(before).operation("GetItem"))
                .isEqualTo(new DynamoDbUsage.OperationUsage(302, 0, 60 * 25 + 240 * 12.5, 2));
    }

    @Test
    void aTransactionalWriteCostsTwiceAndAThrottledItemCancelsItsTransaction() {
        DynamoDbUsage before = endpoint.dynamoDbUsage();
        for (int i = 0; i < 5; i++) {
            dynamo.transactWriteItems(r ->
                    r.transactItems(t -> t.put(p -> p.tableName(TABLE).item(Map.of("pk", s("hot"), "data", s(DATA))))));
        }

        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(
                        t -> t.put(p -> p.tableName(TABLE).item(Map.of("pk", s("cat")))),
                        t -> t.put(p -> p.tableName(TABLE).item(Map.of("pk", s("hot"), "data", s(DATA)))))))
                .isInstanceOfSatisfying(
                        TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons())
                                .extracting(CancellationReason::code)
                                .containsExactly("None", "ThrottlingError"));
        assertThat(dynamo.getItem(r -> r.tableName(TABLE).key(key("cat"))).hasItem())
                .as("nothing of a cancelled transaction is written")
                .isFalse();
        // The other item's two units were given back, and a millisecond more pays for that half-unit read:
        // it takes a whole burst of plain writes.
        clock.advance(Duration.ofMillis(1));
        for (int i = 0; i < 1_000 / 100; i++) {
            putBig("cat");
        }
        assertThat(endpoint.dynamoDbUsage().minus(before).operation("TransactWriteItems"))
                .isEqualTo(new DynamoDbUsage.OperationUsage(6, 5 * 200, 0, 1));
    }

    @Test
    void aBatchHandsBackItsThrottledItemsAndIsThrottledWhenAllAre() {
        for (int i = 0; i < 10; i++) {
            putBig("hot");
        }
        BatchWriteItemResponse batch = dynamo.batchWriteItem(r -> r.requestItems(Map.of(
                TABLE,
                List.of(
                        WriteRequest.builder()
                                .putRequest(p -> p.item(Map.of("pk", s("hot"))))
                                .build(),
                        WriteRequest.builder()
                                .putRequest(p -> p.item(Map.of("pk", s("cold"))))
                                .build()))));

        assertThat(batch.unprocessedItems().get(TABLE))
                .singleElement()
                .satisfies(request -> assertThat(request.putRequest().item()).containsEntry("pk", s("hot")));
        assertThat(dynamo.getItem(r -> r.tableName(TABLE).key(key("cold"))).item())
                .containsEntry("pk", s("cold"));
        assertThatThrownBy(() -> dynamo.batchWriteItem(r -> r.requestItems(Map.of(
                        TABLE,
                        List.of(WriteRequest.builder()
                                .deleteRequest(d -> d.key(key("hot")))
                                .build())))))
                .isInstanceOf(ThrottlingException.class);
        assertThat(dynamo.batchGetItem(r -> r.requestItems(Map.of(
                                TABLE,
                                software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder()
                                        .keys(key("cold"))
                                        .build())))
                        .responses()
                        .get(TABLE))
                .extracting(item -> item.get("pk"))
                .containsExactly(AttributeValue.fromS("cold"));
    }

    @Test
    void theSdksStandardRetryStrategyRetriesItAsThrottling() {
        for (int i = 0; i < 10; i++) {
            putBig("hot");
        }
        try (DynamoDbClient retrying = DynamoDbClient.builder()
                .httpClient(AwsCrtHttpClient.builder().build())
                .endpointOverride(endpoint.url())
                .region(Region.US_EAST_1)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b"))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                        .build()))
                .build()) {
            DynamoDbUsage before = endpoint.dynamoDbUsage();

            assertThatThrownBy(() -> retrying.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s("hot")))))
                    .isInstanceOf(ThrottlingException.class)
                    .hasMessageContaining("SDK Attempt Count: 3");
            assertThat(endpoint.dynamoDbUsage()
                            .minus(before)
                            .operation("PutItem")
                            .throttled())
                    .isEqualTo(3);
        }
    }

    @Test
    void queriesAndScansAreMeteredByTheBytesTheyReadAndNotThrottledPerItem() {
        for (int i = 0; i < 10; i++) {
            putBig("hot");
        }
        DynamoDbUsage before = endpoint.dynamoDbUsage();
        for (int i = 0; i < 200; i++) {
            dynamo.query(r -> r.tableName(TABLE)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s("hot")))
                    .consistentRead(true));
        }
        dynamo.scan(r -> r.tableName(TABLE));

        DynamoDbUsage spent = endpoint.dynamoDbUsage().minus(before);
        assertThat(spent.operation("Query")).isEqualTo(new DynamoDbUsage.OperationUsage(200, 0, 200 * 25, 0));
        assertThat(spent.operation("Scan")).isEqualTo(new DynamoDbUsage.OperationUsage(1, 0, 12.5, 0));
        assertThat(spent.total().calls()).isEqualTo(201);
    }
}
