package dev.loadsplitter.local.aws;

import static dev.loadsplitter.local.aws.EndpointClients.n;
import static dev.loadsplitter.local.aws.EndpointClients.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.engine.testing.SteppingClock;
import dev.loadsplitter.local.fault.CallFaults;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Tables and the bus kept in a data directory: everything back after a restart, the log compacted,
 * one endpoint per directory, a torn last line dropped, and nothing acknowledged lost when the
 * endpoint's JVM is killed with SIGKILL in the middle of a load.
 */
class PersistenceIT {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path directory;

    private final SteppingClock clock = new SteppingClock(T0);

    private LocalAwsEndpoint start() {
        return LocalAwsEndpoint.start(
                "127.0.0.1", 0, clock, LocalAwsSettings.defaults().withDataDirectory(directory), CallFaults.NONE);
    }

    private static TransactWriteItemsRequest counted(String token) {
        return TransactWriteItemsRequest.builder()
                .clientRequestToken(token)
                .transactItems(t -> t.update(u -> u.tableName("records")
                        .key(Map.of("pk", s("job#1"), "sk", s("job")))
                        .updateExpression("ADD #n :one")
                        .expressionAttributeNames(Map.of("#n", "n"))
                        .expressionAttributeValues(Map.of(":one", n(1)))))
                .build();
    }

    @Test
    void aRestartRestoresTablesItemsTimeToLiveClientTokensAndEventsFromACompactedLog() throws Exception {
        try (LocalAwsEndpoint first = start();
                DynamoDbClient dynamo = EndpointClients.dynamoDbWithoutRetries(first);
                EventBridgeClient events = EndpointClients.eventBridgeWithoutRetries(first)) {
            EndpointClients.createTable(dynamo, "records", "S");
            dynamo.updateTimeToLive(r -> r.tableName("records")
                    .timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
            for (int i = 0; i < 100; i++) {
                int version = i;
                dynamo.putItem(r -> r.tableName("records")
                        .item(Map.of("pk", s("job#1"), "sk", s("part/1"), "version", n(version))));
            }
            dynamo.putItem(r -> r.tableName("records").item(Map.of("pk", s("job#1"), "sk", s("part/2"))));
            dynamo.deleteItem(r -> r.tableName("records").key(Map.of("pk", s("job#1"), "sk", s("part/2"))));
            dynamo.transactWriteItems(counted("token-1"));
            events.putEvents(r -> r.entries(
                    e -> e.source("load-splitter").detailType("Job Completed").detail("{\"jobId\":\"job-1\"}")));
            EndpointClients.createTable(dynamo, "dropped", null);
            dynamo.deleteTable(r -> r.tableName("dropped"));
        }
        long linesBefore = Files.readAllLines(directory.resolve(TableLog.FILE)).size();

        try (LocalAwsEndpoint second = start();
                DynamoDbClient dynamo = EndpointClients.dynamoDbWithoutRetries(second)) {
            assertThat(dynamo.listTables().tableNames()).containsExactly("records");
            assertThat(dynamo.describeTable(r -> r.tableName("records")).table().keySchema())
                    .extracting(key -> key.attributeName())
                    .containsExactly("pk", "sk");
            assertThat(dynamo.describeTimeToLive(r -> r.tableName("records"))
                            .timeToLiveDescription()
                            .attributeName())
                    .isEqualTo("expiresAt");
            assertThat(dynamo.query(r -> r.tableName("records")
                                    .keyConditionExpression("pk = :pk")
                                    .expressionAttributeValues(Map.of(":pk", s("job#1"))))
                            .items())
                    .extracting(item -> item.get("sk").s())
                    .containsExactly("job", "part/1");
            assertThat(dynamo.getItem(r -> r.tableName("records").key(Map.of("pk", s("job#1"), "sk", s("part/1"))))
                            .item())
                    .containsEntry("version", n(99));
            dynamo.transactWriteItems(counted("token-1"));
            assertThat(dynamo.getItem(r -> r.tableName("records").key(Map.of("pk", s("job#1"), "sk", s("job"))))
                            .item())
                    .as("a repeat of a token used before the restart")
                    .containsEntry("n", n(1));
            assertThat(LocalEventsClient.create(second.url())
                            .events(EventFilter.any().detail("jobId", "job-1")))
                    .extracting(EventBridgeBus.PutEvent::detailType)
                    .containsExactly("Job Completed");
        }
        List<String> compacted = Files.readAllLines(directory.resolve(TableLog.FILE));
        assertThat(linesBefore).isGreaterThan(100);
        assertThat(compacted).as("a table, two items and a token").hasSize(4);
    }

    @Test
    void oneEndpointAtATimeKeepsItsDataInADirectory() {
        try (LocalAwsEndpoint first = start()) {
            assertThatThrownBy(this::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Another local AWS endpoint keeps its data in " + directory
                            + "; stop it, or give this one another data directory.");
        }
        start().close();
    }

    @Test
    void aLineTornByACrashIsDropped() throws Exception {
        try (LocalAwsEndpoint first = start();
                DynamoDbClient dynamo = EndpointClients.dynamoDbWithoutRetries(first)) {
            EndpointClients.createTable(dynamo, "records", null);
            dynamo.putItem(r -> r.tableName("records").item(Map.of("pk", s("kept"))));
        }
        Files.writeString(
                directory.resolve(TableLog.FILE), "{\"t\":\"item\",\"table\":\"rec", StandardOpenOption.APPEND);

        try (LocalAwsEndpoint second = start();
                DynamoDbClient dynamo = EndpointClients.dynamoDbWithoutRetries(second)) {
            assertThat(dynamo.scan(r -> r.tableName("records")).items())
                    .extracting(item -> item.get("pk").s())
                    .containsExactly("kept");
        }
    }

    @Test
    void nothingAcknowledgedIsLostWhenTheEndpointsJvmIsKilledMidLoad() throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process child = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EndpointProcess.class.getName(),
                        directory.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.startsWith("URL ")) {
            line = out.readLine(); // its log lines
        }
        assertThat(line).as("the child's URL line").isNotNull();
        URI url = URI.create(line.substring(4));
        Thread.ofVirtual().start(() -> out.lines().forEach(ignored -> {})); // keep its stdout drained
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger events = new AtomicInteger();
        CountDownLatch loaded = new CountDownLatch(1_500);
        List<Future<?>> writers = new ArrayList<>();
        try (DynamoDbClient dynamo = client(url);
                EventBridgeClient bus = bus(url);
                ExecutorService threads = Executors.newFixedThreadPool(16)) {
            EndpointClients.createTable(dynamo, "records", null);
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < 16; t++) {
                int writer = t;
                writers.add(threads.submit(() -> {
                    try {
                        while (true) {
                            int i = next.incrementAndGet();
                            if (i % 3 == 0) {
                                dynamo.transactWriteItems(r -> r.transactItems(
                                        p -> p.put(x -> x.tableName("records").item(Map.of("pk", s("tx-" + i + "-a")))),
                                        p -> p.put(
                                                x -> x.tableName("records").item(Map.of("pk", s("tx-" + i + "-b"))))));
                                acknowledged.add("tx-" + i + "-a");
                                acknowledged.add("tx-" + i + "-b");
                            } else if (writer == 0 && i % 10 == 1) {
                                bus.putEvents(r -> r.entries(e ->
                                        e.source("load").detailType("Written").detail("{\"i\":\"" + i + "\"}")));
                                events.incrementAndGet();
                            } else {
                                dynamo.putItem(r -> r.tableName("records").item(Map.of("pk", s("put-" + i))));
                                acknowledged.add("put-" + i);
                            }
                            loaded.countDown();
                        }
                    } catch (RuntimeException killed) {
                        return null; // the endpoint died under us: the writer stops
                    }
                }));
            }
            assertThat(loaded.await(120, TimeUnit.SECONDS))
                    .as("1,500 writes acknowledged")
                    .isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        try (LocalAwsEndpoint restarted = LocalAwsEndpoint.start(
                        "127.0.0.1",
                        0,
                        Clock.systemUTC(),
                        LocalAwsSettings.defaults()
                                .withDataDirectory(directory)
                                .withItemCapacity(ItemCapacity.unlimited()),
                        CallFaults.NONE);
                DynamoDbClient dynamo = EndpointClients.dynamoDbWithoutRetries(restarted)) {
            Set<String> restored = ConcurrentHashMap.newKeySet();
            dynamo.scanPaginator(r -> r.tableName("records"))
                    .items()
                    .forEach(item -> restored.add(item.get("pk").s()));
            assertThat(acknowledged).hasSizeGreaterThan(1_000);
            assertThat(restored).containsAll(acknowledged);
            assertThat(restarted.eventBridge().events()).hasSizeGreaterThanOrEqualTo(events.get());
        }
    }

    private static DynamoDbClient client(URI url) {
        return DynamoDbClient.builder()
                .httpClient(AwsCrtHttpClient.builder().build())
                .endpointOverride(url)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(20)))
                .build();
    }

    private static EventBridgeClient bus(URI url) {
        return EventBridgeClient.builder()
                .httpClient(AwsCrtHttpClient.builder().build())
                .endpointOverride(url)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(20)))
                .build();
    }
}
