package dev.loadsplitter.local.aws;

import static dev.loadsplitter.local.aws.EndpointClients.key;
import static dev.loadsplitter.local.aws.EndpointClients.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.local.fault.CallFaults;
import dev.loadsplitter.local.fault.CallFaults.Decision;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;

/**
 * The endpoint asks its {@link CallFaults} about every DynamoDB and EventBridge request before it
 * applies it, and fails the request as AWS would, seen through the real SDK without retries.
 */
class CallFaultsIT {

    private static final String TABLE = "records";
    private static final String TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private final AtomicReference<Decision> next = new AtomicReference<>(Decision.APPLY);
    private final List<CallFaults.Call> asked = new CopyOnWriteArrayList<>();
    private LocalAwsEndpoint endpoint;
    private DynamoDbClient dynamo;
    private EventBridgeClient events;

    @BeforeEach
    void start() {
        CallFaults faults = call -> {
            asked.add(call);
            return call.operation().equals("CreateTable") ? Decision.APPLY : next.get();
        };
        endpoint = LocalAwsEndpoint.start("127.0.0.1", 0, Clock.systemUTC(), LocalAwsSettings.defaults(), faults);
        dynamo = EndpointClients.dynamoDbWithoutRetries(endpoint);
        events = EndpointClients.eventBridgeWithoutRetries(endpoint);
        EndpointClients.createTable(dynamo, TABLE, null);
    }

    @AfterEach
    void stop() {
        events.close();
        dynamo.close();
        endpoint.close();
    }

    private void put(String pk) {
        dynamo.putItem(r -> r.tableName(TABLE)
                .item(Map.of("pk", s(pk)))
                .overrideConfiguration(o -> o.putHeader("X-Amzn-Trace-Id", TRACE)));
    }

    private boolean exists(String pk) {
        next.set(Decision.APPLY);
        return dynamo.getItem(r -> r.tableName(TABLE).key(key(pk))).hasItem();
    }

    private void putEvent(String id) {
        events.putEvents(
                r -> r.entries(e -> e.source("load-splitter").detailType("Test").detail("{\"id\":\"" + id + "\"}")));
    }

    private long eventsWithId(String id) {
        return endpoint.eventBridge().events(EventFilter.any().detail("id", id)).size();
    }

    @Test
    void everyCallIsAskedAboutWithItsServiceOperationAndTraceHeader() {
        put("a");
        putEvent("a");
        LocalEventsClient.create(endpoint.url()).events(EventFilter.any());

        assertThat(asked)
                .contains(new CallFaults.Call("dynamodb", "PutItem", Optional.of(TRACE)))
                .contains(new CallFaults.Call("eventbridge", "PutEvents", Optional.empty()))
                .as("the CLI's read path is not a function's call")
                .noneMatch(call -> call.operation().equals("ListEvents"));
    }

    @Test
    void aRefusedCallIsDroppedUnansweredAndAppliesNothing() {
        next.set(Decision.REFUSE);
        assertThatThrownBy(() -> put("refused")).isInstanceOf(SdkClientException.class);
        assertThatThrownBy(() -> putEvent("refused")).isInstanceOf(SdkClientException.class);
        assertThat(exists("refused")).isFalse();
        assertThat(eventsWithId("refused")).isZero();
    }

    @Test
    void aLostAnswerIsA500InAwsShapeAfterTheCallTookEffect() {
        next.set(Decision.LOSE_ANSWER_500);
        assertThatThrownBy(() -> put("lost"))
                .isInstanceOfSatisfying(
                        InternalServerErrorException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThatThrownBy(() -> putEvent("lost")).isInstanceOfSatisfying(EventBridgeException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalException");
        });
        assertThat(exists("lost")).as("the write is there when read back").isTrue();
        assertThat(eventsWithId("lost")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(names = {"LOSE_ANSWER_RESET", "CRASH_AFTER"})
    void aDroppedAnswerComesAfterTheCallTookEffect(Decision decision) {
        next.set(decision);
        assertThatThrownBy(() -> put("dropped")).isInstanceOf(SdkClientException.class);
        assertThatThrownBy(() -> putEvent("dropped")).isInstanceOf(SdkClientException.class);
        assertThat(exists("dropped")).isTrue();
        assertThat(eventsWithId("dropped")).isEqualTo(1);
    }

    @Test
    void aConflictRefusesWritesAsAConcurrentTransactionWouldAndLetsReadsAndEventsThrough() {
        dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s("there"))));
        next.set(Decision.CONFLICT);

        assertThatThrownBy(() -> put("conflict")).isInstanceOf(TransactionConflictException.class);
        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(
                        t -> t.put(p -> p.tableName(TABLE).item(Map.of("pk", s("conflict")))),
                        t -> t.delete(d -> d.tableName(TABLE).key(key("there"))))))
                .isInstanceOfSatisfying(
                        TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons())
                                .extracting(CancellationReason::code)
                                .containsExactly("TransactionConflict", "None"));
        assertThat(dynamo.batchWriteItem(r -> r.requestItems(Map.of(
                                TABLE,
                                List.of(WriteRequest.builder()
                                        .putRequest(p -> p.item(Map.of("pk", s("conflict"))))
                                        .build()))))
                        .unprocessedItems()
                        .get(TABLE))
                .hasSize(1);
        assertThat(dynamo.getItem(r -> r.tableName(TABLE).key(key("there"))).hasItem())
                .as("a read is applied")
                .isTrue();
        putEvent("conflict");
        assertThat(eventsWithId("conflict")).isEqualTo(1);
        assertThat(exists("conflict")).isFalse();
        assertThat(exists("there")).isTrue();
    }

    @Test
    void aThrottledCallAppliesNothingAndIsThrottlingToTheSdk() {
        next.set(Decision.THROTTLE);
        assertThatThrownBy(() -> put("throttled"))
                .isInstanceOfSatisfying(
                        ThrottlingException.class,
                        e -> assertThat(e.isThrottlingException()).isTrue());
        assertThatThrownBy(() -> putEvent("throttled")).isInstanceOfSatisfying(EventBridgeException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(e.isThrottlingException()).isTrue();
        });
        assertThat(exists("throttled")).isFalse();
        assertThat(eventsWithId("throttled")).isZero();
        assertThat(endpoint.dynamoDbUsage().operation("PutItem").throttled()).isEqualTo(1);
    }
}
