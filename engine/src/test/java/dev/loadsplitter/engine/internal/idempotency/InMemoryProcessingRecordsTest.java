package dev.loadsplitter.engine.internal.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords.Claim;
import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InMemoryProcessingRecordsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final ProcessingRecords.Done DONE = new ProcessingRecords.Done(1, 0);
    private final InMemoryProcessingRecords records = new InMemoryProcessingRecords(Duration.ofHours(1));

    @Test
    void aDoneSubTaskIsADuplicateAfterwards() {
        assertThat(records.claim(new TaskId("job", "1"), T0, LEASE)).isEqualTo(new Claim.Claimed(1));
        records.markDone(new TaskId("job", "1"), DONE, T0.plusSeconds(5));

        assertThat(records.claim(new TaskId("job", "1"), T0.plusSeconds(10), LEASE))
                .isEqualTo(new Claim.AlreadyDone(T0.plusSeconds(5)));
    }

    @Test
    void aSubTaskInProgressIsHeldUntilItsLeaseEndsThenClaimableAgain() {
        records.claim(new TaskId("job", "2"), T0, LEASE);

        assertThat(records.claim(new TaskId("job", "2"), T0.plusSeconds(30), LEASE))
                .isEqualTo(new Claim.HeldElsewhere(T0.plus(LEASE)));
        // The first invocation crashed or timed out and never marked it: the lease runs out.
        assertThat(records.claim(new TaskId("job", "2"), T0.plusSeconds(61), LEASE))
                .isEqualTo(new Claim.Claimed(2));
    }

    @Test
    void aFailedSubTaskMayBeClaimedAtOnce() {
        records.claim(new TaskId("job", "3"), T0, LEASE);
        records.markFailed(new TaskId("job", "3"), "boom", T0.plusSeconds(1));

        assertThat(records.claim(new TaskId("job", "3"), T0.plusSeconds(2), LEASE))
                .isEqualTo(new Claim.Claimed(2));
    }

    @Test
    void aFailureReportedAfterSuccessDoesNotUndoIt() {
        records.claim(new TaskId("job", "4"), T0, LEASE);
        records.markDone(new TaskId("job", "4"), DONE, T0);
        records.markFailed(new TaskId("job", "4"), "late", T0.plusSeconds(1));

        assertThat(records.claim(new TaskId("job", "4"), T0.plusSeconds(2), LEASE))
                .isInstanceOf(Claim.AlreadyDone.class);
    }

    @Test
    void recordsExpireAfterTheirTimeToLive() {
        records.claim(new TaskId("job", "5"), T0, LEASE);
        records.markDone(new TaskId("job", "5"), DONE, T0);

        assertThat(records.claim(new TaskId("job", "5"), T0.plus(Duration.ofHours(2)), LEASE))
                .isEqualTo(new Claim.Claimed(1));
    }

    @Test
    void ofManySimultaneousClaimsExactlyOneWins() throws Exception {
        int contenders = 64;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Claim>> claims = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < contenders; i++) {
                claims.add(executor.submit(() -> {
                    start.await();
                    return records.claim(new TaskId("job", "6"), T0, LEASE);
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
