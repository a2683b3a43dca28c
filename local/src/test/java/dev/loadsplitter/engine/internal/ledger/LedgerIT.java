package dev.loadsplitter.engine.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import dev.loadsplitter.local.aws.LocalAwsSettings;
import dev.loadsplitter.local.fault.CallFaults;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@link LedgerTest}'s protocol on the local DynamoDB endpoint through the AWS SDK, as strict as the
 * runtime makes it: every transaction holds its items pending for a 10 ms window (DynamoDB's own is
 * about that), so concurrent counts into one job conflict for real, and on top of those a quarter of
 * the writes are refused as conflicting with another transaction. Every test must hold as it holds in
 * memory: the ledger retries what the store refused for now, with the SDK's backoff.
 */
class LedgerIT extends LedgerTest {

    private static final Set<String> WRITES =
            Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem");
    private static final double CONFLICT_RATE = 0.25;
    private static final AtomicLong CALLS = new AtomicLong();
    private static final AtomicLong CONFLICTS = new AtomicLong();

    private static LocalAwsEndpoint endpoint;
    private static DynamoDbClient dynamo;

    /** A quarter of the writes conflict, drawn from a digest of the call's number, so a run repeats. */
    private static CallFaults.Decision decide(CallFaults.Call call) {
        if (!call.service().equals("dynamodb") || !WRITES.contains(call.operation())) {
            return CallFaults.Decision.APPLY;
        }
        long n = CALLS.incrementAndGet();
        if (digest(n) < CONFLICT_RATE) {
            CONFLICTS.incrementAndGet();
            return CallFaults.Decision.CONFLICT;
        }
        return CallFaults.Decision.APPLY;
    }

    private static double digest(long n) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256").digest(Long.toString(n).getBytes(StandardCharsets.UTF_8));
            return (hash[0] & 0xff) / 256.0;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() {
        endpoint = LocalAwsEndpoint.start(
                "127.0.0.1",
                0,
                Clock.systemUTC(),
                LocalAwsSettings.defaults().withTransactionWindow(Duration.ofMillis(10)),
                LedgerIT::decide);
        dynamo = DynamoDbClient.builder()
                .httpClient(AwsCrtHttpClient.builder().build())
                .endpointOverride(endpoint.url())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        endpoint.close();
    }

    /** A table of its own for each ledger, keyed as the deployment keys it. */
    @Override
    protected LedgerTable table() {
        String name = "ledger-" + UUID.randomUUID();
        endpoint.createTable(name, DynamoDbLedgerTable.PK, DynamoDbLedgerTable.SK);
        return new DynamoDbLedgerTable(dynamo, name);
    }

    @Override
    protected boolean refusesWritesAtRandom() {
        return true;
    }

    @Override
    protected Sleeper sleeper() {
        return Sleeper.system();
    }

    /** A ledger on a table of its own, waiting out its backoff for real. */
    private Ledger ledgerOfItsOwn() {
        return new Ledger(
                table(),
                clock,
                LedgerSettings.of(Duration.ofDays(33), Duration.ofDays(5), LedgerTolerance.none()),
                sleeper());
    }

    @Test
    void countsFromManyWritersAtOnceAreExactThroughConflicts() throws Exception {
        Ledger ledger = ledgerOfItsOwn();
        ledger.startJob("job-1", "Order", 60);
        long conflictsBefore = CONFLICTS.get();
        List<Callable<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long index = i;
            writers.add(() -> {
                // Each item is marked twice, as a duplicate delivery marks it: counted once.
                for (int twice = 0; twice < 2; twice++) {
                    ledger.record(
                            "job-1",
                            Optional.empty(),
                            "w" + index,
                            List.of(new ItemOutcome.Done(index, Optional.empty())),
                            Map.of(),
                            Optional.empty());
                }
                return null;
            });
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var done : threads.invokeAll(writers)) {
                done.get();
            }
        }

        assertThat(CONFLICTS.get() - conflictsBefore)
                .as("the store refused some writes")
                .isPositive();
        Standing standing = ledger.standing("job-1").orElseThrow();
        assertThat(standing.processed()).isEqualTo(60);
        assertThat(standing.deadLettered()).isZero();
        assertThat(ledger.marks("job-1", 0, 60).values()).hasSize(60).containsOnly(MarkState.DONE);
    }

    @Test
    void aThousandWritersAtOnceIntoOneLargeJobAllGetThroughRealConflicts() throws Exception {
        // As a thousand containers at the function's default concurrency count into one 5,000-item job: each
        // transaction holds its shard for the endpoint's window, so writers on one shard meanwhile are
        // cancelled (TransactionConflict), on top of the quarter refused at random. None may give up.
        Ledger ledger = ledgerOfItsOwn();
        ledger.startJob("job-1", "Order", 5_000);
        List<Callable<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            long index = i * 5L;
            writers.add(() -> {
                ledger.record(
                        "job-1",
                        Optional.empty(),
                        "w" + index,
                        List.of(new ItemOutcome.Done(index, Optional.empty())),
                        Map.of(),
                        Optional.empty());
                return null;
            });
        }
        List<Throwable> failures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var done : threads.invokeAll(writers)) {
                try {
                    done.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
        }

        assertThat(failures).as("writers that gave up").isEmpty();
        assertThat(ledger.standing("job-1").orElseThrow().processed()).isEqualTo(1_000);
    }
}
