package dev.loadsplitter.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.internal.idempotency.DynamoDbProcessingRecords;
import dev.loadsplitter.engine.internal.idempotency.InMemoryProcessingRecords;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords.Claim;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords.Done;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.message.TaskId;
import dev.loadsplitter.engine.testing.Dynalite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The processing records and job records, the same contract for every store: in memory, in
 * DynamoDB through the local endpoint (which has transactions), and through dynalite for what needs
 * no transaction (dynalite predates DynamoDB's TransactWriteItems).
 */
class ProcessingRecordsIT {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(60);

    private static LocalAwsEndpoint local;
    private static Dynalite dynalite;
    private static int tables;

    @BeforeAll
    static void start() throws Exception {
        local = LocalAwsEndpoint.start("127.0.0.1", 0, Clock.systemUTC());
        try {
            dynalite = Dynalite.start();
        } catch (org.opentest4j.TestAbortedException notInstalled) {
            dynalite = null;
        }
    }

    @AfterAll
    static void stop() {
        local.close();
        if (dynalite != null) {
            dynalite.close();
        }
    }

    static Stream<String> stores() {
        return Stream.of("memory", "dynamodb");
    }

    static Stream<String> storesWithoutTransactions() {
        return dynalite == null ? stores() : Stream.concat(stores(), Stream.of("dynalite"));
    }

    private static ProcessingRecords store(String kind) throws InterruptedException {
        String table = "records-" + (++tables);
        return switch (kind) {
            case "memory" -> new InMemoryProcessingRecords(Duration.ofHours(1));
            case "dynamodb" -> {
                local.createTable(table, DynamoDbProcessingRecords.KEY);
                DynamoDbClient client = AwsClients.dynamoDb(Map.of(
                        "AWS_ENDPOINT_URL_DYNAMODB",
                        local.url().toString(),
                        "AWS_REGION",
                        "us-east-1",
                        "AWS_ACCESS_KEY_ID",
                        "local",
                        "AWS_SECRET_ACCESS_KEY",
                        "local"));
                yield new DynamoDbProcessingRecords(client, table, Duration.ofHours(1));
            }
            default -> {
                dynalite.createRecordsTable(table);
                yield new DynamoDbProcessingRecords(dynalite.client(), table, Duration.ofHours(1));
            }
        };
    }

    private static TaskId part(String part) {
        return new TaskId("job-1", part);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aDoneSubTaskIsADuplicateAfterwardsAndCountsOnce(String kind) throws Exception {
        ProcessingRecords records = store(kind);
        records.startJob("job-1", "Order", 3, T0);

        assertThat(records.claim(part("1"), T0, LEASE)).isEqualTo(new Claim.Claimed(1));
        Optional<JobRecord> counted = records.markDone(part("1"), new Done(2, 0), T0.plusSeconds(5));
        Optional<JobRecord> again = records.markDone(part("1"), new Done(2, 0), T0.plusSeconds(6));

        assertThat(counted).hasValueSatisfying(job -> {
            assertThat(job.items()).isEqualTo(3);
            assertThat(job.processed()).isEqualTo(2);
            assertThat(job.status()).isEqualTo(JobStatus.IN_PROGRESS);
        });
        assertThat(again).isEmpty();
        assertThat(records.claim(part("1"), T0.plusSeconds(10), LEASE))
                .isEqualTo(new Claim.AlreadyDone(T0.plusSeconds(5)));
        assertThat(records.job("job-1").orElseThrow().processed()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("storesWithoutTransactions")
    void aLeaseLeftByACrashExpiresAndTheSubTaskIsClaimedAgain(String kind) throws Exception {
        ProcessingRecords records = store(kind);
        records.claim(part("2"), T0, LEASE);

        assertThat(records.claim(part("2"), T0.plusSeconds(30), LEASE))
                .isEqualTo(new Claim.HeldElsewhere(T0.plus(LEASE)));
        assertThat(records.claim(part("2"), T0.plusSeconds(61), LEASE)).isEqualTo(new Claim.Claimed(2));
    }

    @ParameterizedTest
    @MethodSource("storesWithoutTransactions")
    void aFailedAttemptMayBeClaimedAtOnceAndIsCountedIntoTheJob(String kind) throws Exception {
        ProcessingRecords records = store(kind);
        records.startJob("job-1", "Order", 1, T0);
        records.claim(part("3"), T0, LEASE);
        records.markFailed(part("3"), "first: boom", T0.plusSeconds(1));
        assertThat(records.claim(part("3"), T0.plusSeconds(2), LEASE)).isEqualTo(new Claim.Claimed(2));
        records.markFailed(part("3"), "second: bang", T0.plusSeconds(3));

        assertThat(records.job("job-1").orElseThrow().failedAttempts()).isEqualTo(2);
        if (records instanceof DynamoDbProcessingRecords dynamo) {
            assertThat(dynamo.firstError(part("3"))).contains("first: boom");
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void recordsPastTheirTimeToLiveAreClaimableAgain(String kind) throws Exception {
        ProcessingRecords records = store(kind);
        records.claim(part("4"), T0, LEASE);
        records.markDone(part("4"), new Done(1, 0), T0);

        assertThat(records.claim(part("4"), T0.plus(Duration.ofHours(2)), LEASE))
                .isInstanceOf(Claim.Claimed.class);
    }

    @ParameterizedTest
    @MethodSource("storesWithoutTransactions")
    void ofManySimultaneousClaimsExactlyOneWins(String kind) throws Exception {
        ProcessingRecords records = store(kind);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Claim>> claims = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 24; i++) {
                claims.add(executor.submit(() -> {
                    start.await();
                    return records.claim(part("5"), T0, LEASE);
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

    @ParameterizedTest
    @MethodSource("stores")
    void aJobCountsEachSubTaskOnceUnderConcurrentDuplicatesAndClosesOnce(String kind) throws Exception {
        ProcessingRecords records = store(kind);
        records.startJob("job-1", "Order", 40, T0);
        records.startJob("job-1", "Order", 999, T0.plusSeconds(1));
        assertThat(records.rootDone("job-1", new Done(0, 40), T0)).isPresent();
        assertThat(records.rootDone("job-1", new Done(0, 40), T0))
                .as("a retried root split")
                .isEmpty();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> closers = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(8)) {
            // Every sub-task is done by two invocations at once, as a duplicate delivery would.
            for (int i = 1; i <= 80; i++) {
                TaskId id = part(Integer.toString((i + 1) / 2));
                closers.add(executor.submit(() -> {
                    start.await();
                    Optional<JobRecord> counted = records.markDone(id, new Done(1, 0), T0.plusSeconds(10));
                    return counted.filter(JobRecord::allAccountedFor)
                            .map(job -> records.closeJob(job.jobId(), JobStatus.COMPLETED, T0.plusSeconds(11), LEASE))
                            .orElse(false);
                }));
            }
            start.countDown();
            int closed = 0;
            for (Future<Boolean> closer : closers) {
                closed += closer.get() ? 1 : 0;
            }
            assertThat(closed).as("invocations that closed the job").isEqualTo(1);
        }
        JobRecord job = records.job("job-1").orElseThrow();
        assertThat(job.items()).isEqualTo(40);
        assertThat(job.processed()).isEqualTo(40);
        assertThat(job.subTasksQueued()).isEqualTo(40);
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.completedAt()).contains(T0.plusSeconds(11));
        assertThat(records.claimCompletion("job-1", T0.plusSeconds(12), LEASE))
                .as("held by the closer")
                .isFalse();
        records.completionFailed("job-1", T0.plusSeconds(12));
        assertThat(records.claimCompletion("job-1", T0.plusSeconds(13), LEASE))
                .as("given back, claimed once")
                .isTrue();
        assertThat(records.claimCompletion("job-1", T0.plusSeconds(14), LEASE)).isFalse();
        assertThat(records.claimCompletion("job-1", T0.plusSeconds(80), LEASE))
                .as("a lease left by a crash")
                .isTrue();
        records.completionPublished("job-1", T0.plusSeconds(81));
        assertThat(records.claimCompletion("job-1", T0.plusSeconds(200), LEASE))
                .as("published")
                .isFalse();
        assertThat(records.jobs()).extracting(JobRecord::jobId).containsExactly("job-1");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aDeadLetteredSubTaskCountsOnceAndMovesToProcessedWhenRedriven(String kind) throws Exception {
        ProcessingRecords records = store(kind);
        records.startJob("job-1", "Order", 3, T0);
        records.claim(part("1"), T0, LEASE);
        records.markFailed(part("1"), "boom", T0);

        Optional<JobRecord> dead = records.markDeadLettered(part("1"), 3, "boom", T0.plusSeconds(1));
        Optional<JobRecord> deadAgain =
                records.markDeadLettered(part("1"), 3, "counted by the DLQ consumer too", T0.plusSeconds(2));
        assertThat(dead)
                .hasValueSatisfying(job -> assertThat(job.deadLettered()).isEqualTo(3));
        assertThat(dead.orElseThrow().allAccountedFor()).isTrue();
        assertThat(deadAgain).isEmpty();

        // Redriven: claimed again and done, it moves from dead-lettered to processed.
        assertThat(records.claim(part("1"), T0.plusSeconds(3), LEASE)).isInstanceOf(Claim.Claimed.class);
        JobRecord redriven =
                records.markDone(part("1"), new Done(3, 0), T0.plusSeconds(4)).orElseThrow();
        assertThat(redriven.processed()).isEqualTo(3);
        assertThat(redriven.deadLettered()).isZero();
        assertThat(records.markDeadLettered(part("1"), 3, "too late", T0.plusSeconds(5)))
                .isEmpty();
        assertThat(records.job("job-1").orElseThrow().deadLettered()).isZero();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aDeadLetteredSplitCountsOnlyTheItemsNoAttemptQueued(String kind) throws Exception {
        ProcessingRecords records = store(kind);
        records.startJob("job-1", "orders", 100, T0);
        records.claim(part("1"), T0, LEASE);

        // Two attempts of a split that ran out of time: the first queued parts for 30 items, the second for 60.
        records.markQueued(part("1"), 30, T0);
        records.markQueued(part("1"), 60, T0.plusSeconds(1));
        records.markQueued(part("1"), 45, T0.plusSeconds(2));
        assertThat(records.queuedItems(part("1"))).isEqualTo(60);

        JobRecord dead = records.markDeadLettered(part("1"), 100, "timed out", T0.plusSeconds(3))
                .orElseThrow();
        assertThat(dead.deadLettered())
                .as("the 60 queued items end in their own sub-tasks")
                .isEqualTo(40);

        // A split that queued everything before it died leaves nothing to count.
        records.claim(part("2"), T0, LEASE);
        records.markQueued(part("2"), 100, T0);
        assertThat(records.markDeadLettered(part("2"), 100, "timed out", T0.plusSeconds(4)))
                .hasValueSatisfying(job -> assertThat(job.deadLettered()).isEqualTo(40));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aJobOfUnknownSizeNeverCloses(String kind) throws Exception {
        ProcessingRecords records = store(kind);

        JobRecord job =
                records.markDone(new TaskId("job-2", "1"), new Done(1, 0), T0).orElseThrow();

        Assumptions.assumeTrue(job != null);
        assertThat(job.items()).isZero();
        assertThat(job.allAccountedFor()).isFalse();
    }
}
