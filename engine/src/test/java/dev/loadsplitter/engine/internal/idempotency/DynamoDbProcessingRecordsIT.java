package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.message.TaskId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords.Claim;
import dev.loadsplitter.engine.testing.Dynalite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DynamoDB store against a real DynamoDB-protocol server: dynalite, started by the test. */
class DynamoDbProcessingRecordsIT {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static Dynalite dynalite;
    private static int tables;

    @BeforeAll
    static void start() throws Exception {
        dynalite = Dynalite.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (dynalite != null) {
            dynalite.close();
        }
    }

    private static DynamoDbProcessingRecords newTable() throws InterruptedException {
        String table = "records-" + ++tables;
        dynalite.createRecordsTable(table);
        return new DynamoDbProcessingRecords(dynalite.client(), table, Duration.ofHours(1));
    }

    @Test
    void aDoneSubTaskIsADuplicateAfterwards() throws Exception {
        DynamoDbProcessingRecords records = newTable();

        assertThat(records.claim(new TaskId("job", "1"), T0, LEASE)).isEqualTo(new Claim.Claimed(1));
        records.markDone(new TaskId("job", "1"), T0.plusSeconds(5));

        assertThat(records.claim(new TaskId("job", "1"), T0.plusSeconds(10), LEASE)).isEqualTo(new Claim.AlreadyDone(T0.plusSeconds(5)));
    }

    @Test
    void aLeaseLeftByACrashExpiresAndTheSubTaskIsClaimedAgain() throws Exception {
        DynamoDbProcessingRecords records = newTable();
        records.claim(new TaskId("job", "2"), T0, LEASE);

        assertThat(records.claim(new TaskId("job", "2"), T0.plusSeconds(30), LEASE)).isEqualTo(new Claim.HeldElsewhere(T0.plus(LEASE)));
        assertThat(records.claim(new TaskId("job", "2"), T0.plusSeconds(61), LEASE)).isEqualTo(new Claim.Claimed(2));
    }

    @Test
    void aFailureIsRecordedWithItsFirstErrorAndMayBeClaimedAtOnce() throws Exception {
        DynamoDbProcessingRecords records = newTable();
        records.claim(new TaskId("job", "3"), T0, LEASE);
        records.markFailed(new TaskId("job", "3"), "first: boom", T0.plusSeconds(1));
        assertThat(records.claim(new TaskId("job", "3"), T0.plusSeconds(2), LEASE)).isEqualTo(new Claim.Claimed(2));
        records.markFailed(new TaskId("job", "3"), "second: bang", T0.plusSeconds(3));

        assertThat(records.firstError(new TaskId("job", "3"))).contains("first: boom");
        records.claim(new TaskId("job", "3"), T0.plusSeconds(4), LEASE);
        records.markDone(new TaskId("job", "3"), T0.plusSeconds(5));
        records.markFailed(new TaskId("job", "3"), "too late", T0.plusSeconds(6));
        assertThat(records.claim(new TaskId("job", "3"), T0.plusSeconds(7), LEASE)).isInstanceOf(Claim.AlreadyDone.class);
    }

    @Test
    void recordsPastTheirTimeToLiveAreClaimableAgain() throws Exception {
        DynamoDbProcessingRecords records = newTable();
        records.claim(new TaskId("job", "4"), T0, LEASE);
        records.markDone(new TaskId("job", "4"), T0);

        // DynamoDB deletes expired items lazily; the condition treats them as gone already.
        assertThat(records.claim(new TaskId("job", "4"), T0.plus(Duration.ofHours(2)), LEASE)).isInstanceOf(Claim.Claimed.class);
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
                    return records.claim(new TaskId("job", "5"), T0, LEASE);
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
