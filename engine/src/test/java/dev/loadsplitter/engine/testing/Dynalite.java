package dev.loadsplitter.engine.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * dynalite, an open-source DynamoDB-protocol server from npm, in its own process on a free port,
 * with a real SDK client. CI installs it ({@code npm ci --prefix tools/dynalite}); elsewhere a test
 * using it is skipped when it is missing.
 */
public final class Dynalite implements AutoCloseable {

    private final Process process;
    private final int port;
    private final DynamoDbClient client;

    private Dynalite(Process process, int port) {
        this.process = process;
        this.port = port;
        this.client = AwsClients.dynamoDb(environment());
    }

    /** Starts dynalite, found from a module folder at {@code ../tools/dynalite}. */
    public static Dynalite start() throws IOException, InterruptedException {
        Path cli = Path.of("..", "tools", "dynalite", "node_modules", "dynalite", "cli.js");
        if (!Files.exists(cli)) {
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
        Process process = new ProcessBuilder("node", cli.toString(), "--port", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        int bound = port;
        try {
            Awaitility.await("dynalite listening on " + port)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> listening(bound) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw e;
        }
        if (!process.isAlive()) {
            fail("dynalite did not start on port " + port);
        }
        return new Dynalite(process, port);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public DynamoDbClient client() {
        return client;
    }

    /** What a function needs to reach this server, as its environment. */
    public Map<String, String> environment() {
        return Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB",
                endpoint(),
                "AWS_REGION",
                "us-east-1",
                "AWS_ACCESS_KEY_ID",
                "local",
                "AWS_SECRET_ACCESS_KEY",
                "local");
    }

    /** Creates a ledger table ({@code pk} and {@code sk} keys) and waits until it is active. */
    public void createRecordsTable(String table) throws InterruptedException {
        client.createTable(r -> r.tableName(table)
                .attributeDefinitions(
                        AttributeDefinition.builder()
                                .attributeName(DynamoDbLedgerTable.PK)
                                .attributeType(ScalarAttributeType.S)
                                .build(),
                        AttributeDefinition.builder()
                                .attributeName(DynamoDbLedgerTable.SK)
                                .attributeType(ScalarAttributeType.S)
                                .build())
                .keySchema(
                        KeySchemaElement.builder()
                                .attributeName(DynamoDbLedgerTable.PK)
                                .keyType(KeyType.HASH)
                                .build(),
                        KeySchemaElement.builder()
                                .attributeName(DynamoDbLedgerTable.SK)
                                .keyType(KeyType.RANGE)
                                .build())
                .provisionedThroughput(ProvisionedThroughput.builder()
                        .readCapacityUnits(100L)
                        .writeCapacityUnits(100L)
                        .build()));
        client.waiter()
                .waitUntilTableExists(
                        r -> r.tableName(table),
                        w -> w.maxAttempts(1_500)
                                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(20))));
    }

    @Override
    public void close() {
        client.close();
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
