package dev.loadsplitter.engine.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loadsplitter.engine.config.AwsClients;
import dev.loadsplitter.engine.idempotency.ProcessingRecords.Claim;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The DynamoDB store against a real DynamoDB-protocol server: dynalite (open source, npm), started
 * by the test. CI installs it ({@code npm ci --prefix tools/dynalite}); elsewhere the test is
 * skipped when it is missing.
 */
class DynamoDbProcessingRecordsIT {

    private static final Path DYNALITE = Path.of("..", "tools", "dynalite", "node_modules", "dynalite", "cli.js");
    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static Process dynalite;
    private static DynamoDbClient dynamo;
    private static int tables;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.exists(DYNALITE)) {
            String message = "dynalite is not installed: run 'npm ci --prefix tools/dynalite' (.ci/run does)";
            if (System.getenv("CI") != null) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        dynalite = new ProcessBuilder("node", DYNALITE.toString(), "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !dynalite.isAlive()) {
                    fail("dynalite did not start on port " + port);
                }
                Thread.sleep(50);
            }
        }
        dynamo = AwsClients.dynamoDb(Map.of("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + port,
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (dynamo != null) {
            dynamo.close();
        }
        if (dynalite != null) {
            dynalite.destroy();
            dynalite.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static DynamoDbProcessingRecords newTable() throws InterruptedException {
        String table = "records-" + ++tables;
        dynamo.createTable(r -> r.tableName(table)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(DynamoDbProcessingRecords.KEY)
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(DynamoDbProcessingRecords.KEY).keyType(KeyType.HASH).build())
                .provisionedThroughput(ProvisionedThroughput.builder().readCapacityUnits(100L).writeCapacityUnits(100L).build()));
        while (!"ACTIVE".equals(dynamo.describeTable(r -> r.tableName(table)).table().tableStatusAsString())) {
            Thread.sleep(20);
        }
        return new DynamoDbProcessingRecords(dynamo, table, Duration.ofHours(1));
    }

    @Test
    void aDoneSubTaskIsADuplicateAfterwards() throws Exception {
        DynamoDbProcessingRecords records = newTable();

        assertThat(records.claim("job/1", T0, LEASE)).isEqualTo(new Claim.Claimed(1));
        records.markDone("job/1", T0.plusSeconds(5));

        assertThat(records.claim("job/1", T0.plusSeconds(10), LEASE)).isEqualTo(new Claim.AlreadyDone(T0.plusSeconds(5)));
    }

    @Test
    void aLeaseLeftByACrashExpiresAndTheSubTaskIsClaimedAgain() throws Exception {
        DynamoDbProcessingRecords records = newTable();
        records.claim("job/2", T0, LEASE);

        assertThat(records.claim("job/2", T0.plusSeconds(30), LEASE)).isEqualTo(new Claim.HeldElsewhere(T0.plus(LEASE)));
        assertThat(records.claim("job/2", T0.plusSeconds(61), LEASE)).isEqualTo(new Claim.Claimed(2));
    }

    @Test
    void aFailureIsRecordedWithItsFirstErrorAndMayBeClaimedAtOnce() throws Exception {
        DynamoDbProcessingRecords records = newTable();
        records.claim("job/3", T0, LEASE);
        records.markFailed("job/3", "first: boom", T0.plusSeconds(1));
        assertThat(records.claim("job/3", T0.plusSeconds(2), LEASE)).isEqualTo(new Claim.Claimed(2));
        records.markFailed("job/3", "second: bang", T0.plusSeconds(3));

        assertThat(records.firstError("job/3")).contains("first: boom");
        records.claim("job/3", T0.plusSeconds(4), LEASE);
        records.markDone("job/3", T0.plusSeconds(5));
        records.markFailed("job/3", "too late", T0.plusSeconds(6));
        assertThat(records.claim("job/3", T0.plusSeconds(7), LEASE)).isInstanceOf(Claim.AlreadyDone.class);
    }

    @Test
    void recordsPastTheirTimeToLiveAreClaimableAgain() throws Exception {
        DynamoDbProcessingRecords records = newTable();
        records.claim("job/4", T0, LEASE);
        records.markDone("job/4", T0);

        // DynamoDB deletes expired items lazily; the condition treats them as gone already.
        assertThat(records.claim("job/4", T0.plus(Duration.ofHours(2)), LEASE)).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void ofManySimultaneousClaimsExactlyOneWins() throws Exception {
        DynamoDbProcessingRecords records = newTable();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Claim>> claims = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 24; i++) {
                claims.add(executor.submit(() -> {
                    start.await();
                    return records.claim("job/5", T0, LEASE);
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Claim> claim : claims) {
                won += claim.get() instanceof Claim.Claimed ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        }
    }
}
