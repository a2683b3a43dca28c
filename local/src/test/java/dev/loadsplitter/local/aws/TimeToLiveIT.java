package dev.loadsplitter.local.aws;

import static dev.loadsplitter.local.aws.EndpointClients.key;
import static dev.loadsplitter.local.aws.EndpointClients.n;
import static dev.loadsplitter.local.aws.EndpointClients.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.engine.testing.SteppingClock;
import dev.loadsplitter.local.fault.CallFaults;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB's TTL on a clock the test moves: expired items stay readable until a sweep deletes them. */
class TimeToLiveIT {

    private static final String TABLE = "records";
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private final SteppingClock clock = new SteppingClock(T0);
    private final WindowGate gate = new WindowGate();
    private LocalAwsEndpoint endpoint;
    private DynamoDbClient dynamo;

    @BeforeEach
    void start() {
        // The background sweep waits a day of real time: this test sweeps when it means to.
        endpoint = LocalAwsEndpoint.start(
                "127.0.0.1",
                0,
                clock,
                gate,
                LocalAwsSettings.defaults()
                        .withSweepInterval(Duration.ofDays(1))
                        .withTransactionWindow(Duration.ofMillis(10)),
                CallFaults.NONE);
        dynamo = EndpointClients.dynamoDbWithoutRetries(endpoint);
        EndpointClients.createTable(dynamo, TABLE, null);
        dynamo.updateTimeToLive(r -> r.tableName(TABLE)
                .timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
    }

    @AfterEach
    void stop() {
        gate.open();
        dynamo.close();
        endpoint.close();
    }

    private void put(String pk, long expiresAt) {
        dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s(pk), "expiresAt", n(expiresAt))));
    }

    private boolean exists(String pk) {
        return dynamo.getItem(r -> r.tableName(TABLE).key(key(pk))).hasItem();
    }

    @Test
    void expiredItemsAreReadableUntilASweepDeletesThem() {
        long now = T0.getEpochSecond();
        put("expired", now - 1);
        put("later", now + 3_600);
        put("ancient", now - 6L * 365 * 24 * 3_600);
        dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s("text"), "expiresAt", s("1"))));

        assertThat(exists("expired")).as("expired, not yet deleted").isTrue();
        assertThat(endpoint.sweepExpired()).isEqualTo(1);
        assertThat(exists("expired")).isFalse();
        assertThat(exists("later")).isTrue();
        assertThat(exists("ancient"))
                .as("more than five years past: not a TTL value")
                .isTrue();
        assertThat(exists("text")).as("not a number: not a TTL value").isTrue();

        clock.advance(Duration.ofHours(2));
        assertThat(exists("later")).isTrue();
        endpoint.sweepExpired();
        assertThat(exists("later")).isFalse();
    }

    @Test
    void anItemPendingInATransactionWaitsForTheNextSweep() throws Exception {
        long now = T0.getEpochSecond();
        put("job#1", now - 1);
        CompletableFuture<Void> renewing = CompletableFuture.runAsync(() ->
                dynamo.transactWriteItems(r -> r.transactItems(t -> t.update(u -> u.tableName(TABLE)
                        .key(key("job#1"))
                        .updateExpression("SET expiresAt = :later")
                        .expressionAttributeValues(Map.of(":later", n(now + 3_600)))))));
        gate.awaitPending(1);

        assertThat(endpoint.sweepExpired()).isZero();
        gate.open();
        renewing.get(30, TimeUnit.SECONDS);
        assertThat(endpoint.sweepExpired()).isZero();
        assertThat(exists("job#1")).isTrue();
    }

    @Test
    void timeToLiveIsDescribedAndEnabledOnce() {
        assertThat(dynamo.describeTimeToLive(r -> r.tableName(TABLE)).timeToLiveDescription())
                .satisfies(description -> {
                    assertThat(description.timeToLiveStatusAsString()).isEqualTo("ENABLED");
                    assertThat(description.attributeName()).isEqualTo("expiresAt");
                });
        assertThatThrownBy(() -> dynamo.updateTimeToLive(r -> r.tableName(TABLE)
                        .timeToLiveSpecification(
                                t -> t.attributeName("expiresAt").enabled(true))))
                .hasMessageStartingWith("TimeToLive is already enabled");
        endpoint.enableTimeToLive(TABLE, "expiresAt");
    }
}
