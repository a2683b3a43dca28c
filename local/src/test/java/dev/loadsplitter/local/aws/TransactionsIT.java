package dev.loadsplitter.local.aws;

import static dev.loadsplitter.local.aws.EndpointClients.key;
import static dev.loadsplitter.local.aws.EndpointClients.n;
import static dev.loadsplitter.local.aws.EndpointClients.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.testing.SteppingClock;
import dev.loadsplitter.local.fault.CallFaults;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;

/**
 * TransactWriteItems as DynamoDB runs it, through the real SDK: items held pending for the
 * transaction window (a {@link WindowGate} holds it open, so nothing depends on timing), conflicts
 * with other transactions and plain writes, reads of the committed state, ClientRequestToken
 * idempotency on the endpoint's clock, and locks taken in one order.
 */
class TransactionsIT {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final String TABLE = "records";

    private final SteppingClock clock = new SteppingClock(T0);
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closing.reversed()) {
            closeable.close();
        }
    }

    private DynamoDbClient start(Duration window, Sleeper sleeper) {
        return start(LocalAwsSettings.defaults().withTransactionWindow(window), sleeper);
    }

    private DynamoDbClient start(LocalAwsSettings settings, Sleeper sleeper) {
        LocalAwsEndpoint endpoint = LocalAwsEndpoint.start("127.0.0.1", 0, clock, sleeper, settings, CallFaults.NONE);
        closing.add(endpoint);
        DynamoDbClient dynamo = EndpointClients.dynamoDbWithoutRetries(endpoint);
        closing.add(dynamo);
        EndpointClients.createTable(dynamo, TABLE, null);
        return dynamo;
    }

    private static TransactWriteItem add(String pk, long amount) {
        return TransactWriteItem.builder()
                .update(u -> u.tableName(TABLE)
                        .key(key(pk))
                        .updateExpression("ADD #n :amount")
                        .expressionAttributeNames(Map.of("#n", "n"))
                        .expressionAttributeValues(Map.of(":amount", n(amount))))
                .build();
    }

    private static TransactWriteItem put(String pk) {
        return TransactWriteItem.builder()
                .put(p -> p.tableName(TABLE).item(Map.of("pk", s(pk), "state", s("DONE"))))
                .build();
    }

    private static Map<String, AttributeValue> get(DynamoDbClient dynamo, String pk) {
        return dynamo.getItem(r -> r.tableName(TABLE).key(key(pk)).consistentRead(true))
                .item();
    }

    @Test
    void aConcurrentTransactionOnAPendingItemIsCancelledWithTransactionConflictAndAPlainWriteIsRefused()
            throws Exception {
        WindowGate gate = new WindowGate();
        DynamoDbClient dynamo = start(Duration.ofMillis(50), gate);
        dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s("job#1"), "n", n(5))));

        CompletableFuture<Void> first = CompletableFuture.runAsync(
                () -> dynamo.transactWriteItems(r -> r.transactItems(add("job#1", 1), put("job/1"))));
        gate.awaitPending(1);

        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(put("job/2"), add("job#1", 10))))
                .isInstanceOfSatisfying(
                        TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons())
                                .extracting(CancellationReason::code)
                                .containsExactly("None", "TransactionConflict"));
        assertThatThrownBy(() -> dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s("job/1")))))
                .isInstanceOf(TransactionConflictException.class)
                .hasMessageStartingWith("Transaction is ongoing for the item");
        assertThatThrownBy(() -> dynamo.updateItem(r -> r.tableName(TABLE)
                        .key(key("job#1"))
                        .updateExpression("SET #n = :zero")
                        .expressionAttributeNames(Map.of("#n", "n"))
                        .expressionAttributeValues(Map.of(":zero", n(0)))))
                .isInstanceOf(TransactionConflictException.class);
        assertThatThrownBy(() -> dynamo.deleteItem(r -> r.tableName(TABLE).key(key("job#1"))))
                .isInstanceOf(TransactionConflictException.class);
        assertThat(get(dynamo, "job#1")).as("reads see the committed item").containsEntry("n", n(5));
        assertThat(get(dynamo, "job/1")).as("the pending put is not visible").isEmpty();

        gate.open();
        first.get(30, TimeUnit.SECONDS);
        assertThat(get(dynamo, "job#1")).containsEntry("n", n(6));
        assertThat(get(dynamo, "job/1")).containsEntry("state", s("DONE"));
        assertThat(get(dynamo, "job/2"))
                .as("the cancelled transaction wrote nothing")
                .isEmpty();
    }

    @Test
    void aFailedConditionNamesItsActionAndCarriesTheItemWhenAskedForAllOld() {
        DynamoDbClient dynamo = start(Duration.ZERO, Sleeper.system());
        dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s("job/1"), "state", s("DONE"))));

        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(
                        add("job#1", 1),
                        TransactWriteItem.builder()
                                .conditionCheck(c -> c.tableName(TABLE)
                                        .key(key("job/1"))
                                        .conditionExpression("#state <> :done")
                                        .expressionAttributeNames(Map.of("#state", "state"))
                                        .expressionAttributeValues(Map.of(":done", s("DONE")))
                                        .returnValuesOnConditionCheckFailure("ALL_OLD"))
                                .build())))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                    assertThat(e.cancellationReasons())
                            .extracting(CancellationReason::code)
                            .containsExactly("None", "ConditionalCheckFailed");
                    assertThat(e.cancellationReasons().get(1).item())
                            .containsEntry("pk", s("job/1"))
                            .containsEntry("state", s("DONE"));
                });
        assertThat(get(dynamo, "job#1")).as("all or nothing").isEmpty();
    }

    private static TransactWriteItemsRequest tokened(String token, long amount) {
        return TransactWriteItemsRequest.builder()
                .clientRequestToken(token)
                .transactItems(add("job#1", amount), put("job/1"))
                .build();
    }

    @Test
    void aRepeatedClientRequestTokenIsAnsweredAsASuccessAndAppliedOnceForTenMinutesOfTheEndpointsClock() {
        DynamoDbClient dynamo = start(Duration.ZERO, Sleeper.system());

        dynamo.transactWriteItems(tokened("token-1", 1));
        dynamo.transactWriteItems(tokened("token-1", 1));
        clock.advance(Duration.ofMinutes(10));
        dynamo.transactWriteItems(tokened("token-1", 1));
        assertThat(get(dynamo, "job#1")).as("ten minutes after it was used").containsEntry("n", n(1));

        clock.advance(Duration.ofSeconds(1));
        dynamo.transactWriteItems(tokened("token-1", 1));
        assertThat(get(dynamo, "job#1"))
                .as("past the ten minutes: a new request")
                .containsEntry("n", n(2));
    }

    @Test
    void theSameTokenWithOtherParametersIsAnIdempotentParameterMismatch() {
        DynamoDbClient dynamo = start(Duration.ZERO, Sleeper.system());
        dynamo.transactWriteItems(tokened("token-2", 1));

        assertThatThrownBy(() -> dynamo.transactWriteItems(tokened("token-2", 2)))
                .isInstanceOf(IdempotentParameterMismatchException.class)
                .hasMessageStartingWith(
                        "The request uses the same client token as a previous, but non-identical " + "request.");
        assertThat(get(dynamo, "job#1")).containsEntry("n", n(1));
    }

    @Test
    void aCancelledTransactionLeavesItsTokenFreeSoItsRetryIsAppliedWhenItsConditionHolds() {
        DynamoDbClient dynamo = start(Duration.ZERO, Sleeper.system());
        TransactWriteItemsRequest claim = TransactWriteItemsRequest.builder()
                .clientRequestToken("token-3")
                .transactItems(
                        add("job#1", 1),
                        TransactWriteItem.builder()
                                .conditionCheck(c ->
                                        c.tableName(TABLE).key(key("job")).conditionExpression("attribute_exists(pk)"))
                                .build())
                .build();

        assertThatThrownBy(() -> dynamo.transactWriteItems(claim)).isInstanceOf(TransactionCanceledException.class);
        dynamo.putItem(r -> r.tableName(TABLE).item(key("job")));
        dynamo.transactWriteItems(claim);

        assertThat(get(dynamo, "job#1")).containsEntry("n", n(1));
    }

    @Test
    void aRepeatWhileTheFirstIsStillPendingIsTransactionInProgress() throws Exception {
        WindowGate gate = new WindowGate();
        DynamoDbClient dynamo = start(Duration.ofMillis(50), gate);
        CompletableFuture<Void> first =
                CompletableFuture.runAsync(() -> dynamo.transactWriteItems(tokened("token-4", 1)));
        gate.awaitPending(1);

        assertThatThrownBy(() -> dynamo.transactWriteItems(tokened("token-4", 1)))
                .isInstanceOf(TransactionInProgressException.class);
        gate.open();
        first.get(30, TimeUnit.SECONDS);
        dynamo.transactWriteItems(tokened("token-4", 1));

        assertThat(get(dynamo, "job#1")).containsEntry("n", n(1));
    }

    @Test
    void aTransactionTakesUpToOneHundredActionsOnDistinctItems() {
        DynamoDbClient dynamo = start(Duration.ZERO, Sleeper.system());
        List<TransactWriteItem> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(put("part/" + i));
        }
        dynamo.transactWriteItems(r -> r.transactItems(hundred));
        assertThat(get(dynamo, "part/99")).containsEntry("state", s("DONE"));

        List<TransactWriteItem> tooMany = new ArrayList<>(hundred);
        tooMany.add(put("part/100"));
        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(tooMany)))
                .hasMessageContaining("TransactItems holds 1 to 100 actions, got 101");
        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(put("a"), add("a", 1))))
                .hasMessageContaining("Transaction request cannot include multiple operations on one item");
    }

    @Test
    void transactionsLockingTheSameItemsInOppositeOrdersAllCommit() throws Exception {
        // Two hot items taking 1,600 transactional writes each: no throttling, so only locking is tested.
        DynamoDbClient dynamo =
                start(LocalAwsSettings.defaults().withItemCapacity(ItemCapacity.unlimited()), Sleeper.system());
        int pairs = 100;
        CyclicBarrier together = new CyclicBarrier(8);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                boolean forwards = t % 2 == 0;
                done.add(threads.submit(() -> {
                    together.await();
                    for (int i = 0; i < pairs; i++) {
                        dynamo.transactWriteItems(r -> r.transactItems(
                                forwards ? add("left", 1) : add("right", 1),
                                forwards ? add("right", 1) : add("left", 1)));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(get(dynamo, "left")).containsEntry("n", n(8L * pairs));
        assertThat(get(dynamo, "right")).containsEntry("n", n(8L * pairs));
    }
}
