package dev.loadsplitter.engine.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.CloseReason;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.testing.SteppingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The ledger's protocol, call by call: claims, marks, counts, closes, events, stops and redrives.
 * Runs on the table {@link #table} gives; {@code LedgerIT} in the local runtime runs the same tests
 * on its DynamoDB endpoint through the AWS SDK.
 */
class LedgerTest {

    protected final SteppingClock clock = new SteppingClock(Instant.parse("2026-12-03T12:00:00Z"));
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** The table under test; a subclass gives another. */
    protected LedgerTable table() {
        return new MemoryLedgerTable(clock);
    }

    /** How the ledger waits out its backoff: not at all in memory; a subclass on a real store waits. */
    protected Sleeper sleeper() {
        return pause -> {};
    }

    /** Whether {@link #table} refuses writes at random on top of real conflicts, so backoffs happen anyway. */
    protected boolean refusesWritesAtRandom() {
        return false;
    }

    private Ledger ledger(LedgerTolerance tolerance) {
        return new Ledger(
                table(), clock, LedgerSettings.of(Duration.ofDays(33), Duration.ofDays(5), tolerance), sleeper());
    }

    private Ledger ledger() {
        return ledger(LedgerTolerance.none());
    }

    private static List<ItemOutcome> done(long... indexes) {
        List<ItemOutcome> outcomes = new ArrayList<>();
        for (long index : indexes) {
            outcomes.add(new ItemOutcome.Done(index, Optional.of("{\"i\":" + index + "}")));
        }
        return outcomes;
    }

    private static List<ItemOutcome> dead(long... indexes) {
        List<ItemOutcome> outcomes = new ArrayList<>();
        for (long index : indexes) {
            outcomes.add(new ItemOutcome.Dead(index, "java.lang.IllegalStateException", "boom " + index));
        }
        return outcomes;
    }

    @Test
    void startingAJobTwiceOpensItOnce() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 3);
        ledger.startJob("job-1", "Order", 3);

        assertThat(ledger.standing("job-1")).get().satisfies(standing -> {
            assertThat(standing.items()).isEqualTo(3);
            assertThat(standing.accounted()).isZero();
        });
        assertThat(ledger.jobs(10)).extracting(JobRecord::jobId).containsExactly("job-1");
        assertThat(ledger.standing("job-2")).isEmpty();
    }

    @Test
    void aClaimIsOneHoldersUntilItsLeaseEndsAndItsOwnRetryIsRecognised() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 3);

        assertThat(ledger.claim("job-1", "1", "req-a/m-1", LEASE, false)).isEqualTo(new Claim.Claimed(1, 0));
        assertThat(ledger.claim("job-1", "1", "req-a/m-1", LEASE, false))
                .as("the same claim sent again after its answer was lost")
                .isEqualTo(new Claim.Claimed(1, 0));
        assertThat(ledger.claim("job-1", "1", "req-b/m-1", LEASE, false)).isInstanceOf(Claim.Held.class);

        clock.advance(LEASE.plusMillis(1));
        assertThat(ledger.claim("job-1", "1", "req-b/m-1", LEASE, false)).isEqualTo(new Claim.Claimed(2, 0));
    }

    @Test
    void anItemIsCountedOnceHoweverOftenItIsMarked() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 3);

        ledger.record("job-1", Optional.empty(), "a", done(0, 1), Map.of(), Optional.empty());
        ledger.record("job-1", Optional.empty(), "b", done(1, 2), Map.of(), Optional.empty());
        ledger.record("job-1", Optional.empty(), "c", dead(0, 2), Map.of(), Optional.empty());

        Standing standing = ledger.standing("job-1").orElseThrow();
        assertThat(standing.processed()).isEqualTo(3);
        assertThat(standing.deadLettered()).as("a done item stays done").isZero();
        assertThat(standing.results()).isEqualTo(3);
    }

    @Test
    void workThatCompletesAfterADeadLetterTurnsItIntoProcessed() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 2);

        ledger.record("job-1", Optional.empty(), "a", dead(0, 1), Map.of(), Optional.empty());
        ledger.record("job-1", Optional.empty(), "late", done(1), Map.of(), Optional.empty());

        Standing standing = ledger.standing("job-1").orElseThrow();
        assertThat(standing.processed()).isEqualTo(1);
        assertThat(standing.deadLettered()).isEqualTo(1);
        assertThat(ledger.marks("job-1", 0, 2)).isEqualTo(Map.of(0L, MarkState.DEAD, 1L, MarkState.DONE));
    }

    @Test
    void aFinishedTaskIsADuplicate() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 1);
        ledger.claim("job-1", "1", "a", LEASE, false);

        ledger.record(
                "job-1", Optional.of(new Ledger.Finish("1", TaskState.DONE)), "a", done(0), Map.of(), Optional.empty());

        assertThat(ledger.claim("job-1", "1", "b", LEASE, false)).isInstanceOf(Claim.Finished.class);
    }

    @Test
    void aJobClosesOnceWhenItsLastItemIsCountedAndOneCallerGetsItsEvent() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 2);
        ledger.record("job-1", Optional.empty(), "a", done(0), Map.of(), Optional.empty());

        assertThat(ledger.close("job-1", "a", LEASE)).isInstanceOf(Closing.Open.class);

        ledger.record("job-1", Optional.empty(), "b", done(1), Map.of(), Optional.empty());
        Closing first = ledger.close("job-1", "b", LEASE);
        Closing second = ledger.close("job-1", "c", LEASE);

        assertThat(first).isInstanceOfSatisfying(Closing.Publish.class, publish -> {
            assertThat(publish.job().status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(publish.job().close()).isEqualTo(1);
            assertThat(publish.job().processed()).isEqualTo(2);
            assertThat(publish.job().reason()).contains(CloseReason.ALL_PROCESSED);
        });
        assertThat(second).as("the event is held by the first caller").isInstanceOf(Closing.Settled.class);

        ledger.published(((Closing.Publish) first).job(), "b");
        assertThat(ledger.close("job-1", "d", LEASE)).isInstanceOf(Closing.Settled.class);
        assertThat(ledger.unsettledJobs())
                .as("announced: the sweep no longer looks at it")
                .isEmpty();
        assertThat(ledger.job("job-1")).get().satisfies(job -> {
            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job.allAccountedFor()).isTrue();
        });
    }

    @Test
    void manyCallersSeeingTheJobCompleteAtOnceCloseItOnce() throws Exception {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 40);
        List<Callable<Closing>> closers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long index = i;
            closers.add(() -> {
                ledger.record("job-1", Optional.empty(), "w" + index, done(index), Map.of(), Optional.empty());
                return ledger.close("job-1", "w" + index, LEASE);
            });
        }
        List<Closing> closings = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Closing> closing : threads.invokeAll(closers)) {
                closings.add(closing.get());
            }
        }

        assertThat(closings).filteredOn(Closing.Publish.class::isInstance).hasSize(1);
        assertThat(ledger.job("job-1").orElseThrow().close()).isEqualTo(1);
    }

    @Test
    void aMarkRefusedOnItsShardCountsAtOnceIntoASpillShardAndACalmJobKeepsSixteen() {
        // Once the jobs are open, every transaction touching shard #s05 of job "big" is refused as busy, as DynamoDB
        // cancels a
        // transaction on an item
        // another transaction holds (TransactionConflict).
        LedgerTable store = table();
        AtomicBoolean held = new AtomicBoolean();
        LedgerTable hot = new LedgerTable() {
            @Override
            public Optional<Item> get(ItemKey key, boolean consistent) {
                return store.get(key, consistent);
            }

            @Override
            public Page query(
                    String pk,
                    SortRange range,
                    boolean ascending,
                    int limit,
                    Optional<ItemKey> after,
                    boolean consistent) {
                return store.query(pk, range, ascending, limit, after, consistent);
            }

            @Override
            public void write(Write write) {
                store.write(write);
            }

            @Override
            public void transact(List<Write> writes, String token) {
                if (held.get() && writes.stream().anyMatch(write -> write.key().equals(LedgerKeys.shard("big", 5)))) {
                    throw new LedgerBusyException("TransactionConflict on #s05", null);
                }
                store.transact(writes, token);
            }
        };
        AtomicInteger pauses = new AtomicInteger();
        Sleeper counting = pause -> {
            pauses.incrementAndGet();
            sleeper().sleep(pause);
        };
        Ledger ledger = new Ledger(
                hot,
                clock,
                LedgerSettings.of(Duration.ofDays(33), Duration.ofDays(5), LedgerTolerance.none()),
                counting);
        ledger.startJob("big", "Order", 5_000);
        ledger.startJob("calm", "Order", 5_000);

        held.set(true);
        for (long index : new long[] {5, 69, 133, 4_997}) {
            ledger.record("big", Optional.empty(), "w" + index, done(index), Map.of(), Optional.empty());
            ledger.record("calm", Optional.empty(), "w" + index, done(index + 1), Map.of(), Optional.empty());
        }
        ledger.record("big", Optional.empty(), "w5", done(5), Map.of(), Optional.empty());

        assertThat(ledger.standing("big").orElseThrow().processed())
                .as("items 5, 69, 133 and 4,997 count into the refused shard first; they count in others, once each")
                .isEqualTo(4);
        assertThat(store.get(LedgerKeys.shard("big", 5), true).orElseThrow().number(LedgerKeys.PROCESSED))
                .isZero();
        assertThat(ledger.standing("calm").orElseThrow().processed()).isEqualTo(4);
        if (refusesWritesAtRandom()) {
            // Writes refused at random spill and back off too; the counts above are exact all the same.
            assertThat(shards(store, "big")).hasSizeBetween(LedgerKeys.MIN_SHARDS + 1, LedgerKeys.MAX_SHARDS);
            assertThat(shards(store, "calm")).hasSizeBetween(LedgerKeys.MIN_SHARDS, LedgerKeys.MAX_SHARDS);
            return;
        }
        assertThat(shards(store, "big"))
                .as("the job's own 16 shards and the spill shards the refused marks went to")
                .hasSize(LedgerKeys.MIN_SHARDS
                        + (int) LongStream.of(5, 69, 133, 4_997)
                                .map(index -> LedgerKeys.shardOf(index, 1))
                                .distinct()
                                .count());
        assertThat(shards(store, "calm")).as("a job whose writers never met").hasSize(LedgerKeys.MIN_SHARDS);
        assertThat(pauses)
                .as("backoffs: a refused shard's count goes to a spill shard at once")
                .hasValue(0);
    }

    private static List<Item> shards(LedgerTable store, String jobId) {
        return store.query(jobId, LedgerTable.SortRange.prefix("#s"), true, 1_000, Optional.empty(), true)
                .items();
    }

    @Test
    void aFailedPublicationIsGivenBackForTheNextLook() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 1);
        ledger.record("job-1", Optional.empty(), "a", done(0), Map.of(), Optional.empty());
        assertThat(ledger.close("job-1", "a", LEASE)).isInstanceOf(Closing.Publish.class);

        ledger.publicationFailed("job-1", 1, "a");

        assertThat(ledger.close("job-1", "b", LEASE)).isInstanceOf(Closing.Publish.class);
    }

    @Test
    void anEventHeldByACrashedPublisherComesBackWhenItsLeaseEnds() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 1);
        ledger.record("job-1", Optional.empty(), "a", done(0), Map.of(), Optional.empty());
        ledger.close("job-1", "a", LEASE);

        assertThat(ledger.close("job-1", "b", LEASE)).isInstanceOf(Closing.Settled.class);
        clock.advance(LEASE.plusMillis(1));
        assertThat(ledger.close("job-1", "b", LEASE)).isInstanceOf(Closing.Publish.class);
    }

    @Test
    void aRedriveReopensAClosedJobWhichClosesAgainWithTheNextNumber() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 2);
        ledger.record("job-1", Optional.empty(), "a", done(0), Map.of(), Optional.empty());
        ledger.record("job-1", Optional.empty(), "a", dead(1), Map.of(), Optional.empty());
        Closing first = ledger.close("job-1", "a", LEASE);
        assertThat(first).isInstanceOfSatisfying(Closing.Publish.class, publish -> {
            assertThat(publish.job().status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
            assertThat(publish.job().reason()).contains(CloseReason.DEAD_LETTERED);
        });
        ledger.published(((Closing.Publish) first).job(), "a");

        assertThat(ledger.redrive("job-1", 0, 2)).isEqualTo(1);
        assertThat(ledger.unsettledJobs())
                .as("reopened: the sweep watches it again")
                .containsExactly("job-1");
        assertThat(ledger.job("job-1").orElseThrow().status()).isEqualTo(JobStatus.IN_PROGRESS);
        assertThat(ledger.close("job-1", "b", LEASE)).isInstanceOf(Closing.Open.class);

        ledger.record("job-1", Optional.empty(), "b", done(1), Map.of(), Optional.empty());
        assertThat(ledger.close("job-1", "b", LEASE)).isInstanceOfSatisfying(Closing.Publish.class, publish -> {
            assertThat(publish.job().status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(publish.job().close()).isEqualTo(2);
            assertThat(publish.job().deadLettered()).isZero();
        });
    }

    @Test
    void countsThatChangeAfterACloseCloseTheJobAgain() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 1);
        ledger.record("job-1", Optional.empty(), "split", dead(0), Map.of(), Optional.empty());
        ledger.published(((Closing.Publish) ledger.close("job-1", "split", LEASE)).job(), "split");

        // A part the dead-lettered split had queued after all, unknown to it, finishes its item.
        ledger.record("job-1", Optional.empty(), "part", done(0), Map.of(), Optional.empty());

        assertThat(ledger.close("job-1", "part", LEASE)).isInstanceOfSatisfying(Closing.Publish.class, publish -> {
            assertThat(publish.job().close()).isEqualTo(2);
            assertThat(publish.job().status()).isEqualTo(JobStatus.COMPLETED);
        });
    }

    @Test
    void failuresBeyondTheToleranceStopTheJobAndItClosesFailedOnceItsItemsAreAccountedFor() {
        Ledger ledger = ledger(new LedgerTolerance(1, -1));
        ledger.startJob("job-1", "Order", 4);
        ledger.record("job-1", Optional.empty(), "a", dead(0), Map.of(), Optional.empty());
        assertThat(ledger.standing("job-1").orElseThrow().stopped()).isEmpty();

        ledger.record("job-1", Optional.empty(), "a", dead(1), Map.of(), Optional.empty());
        assertThat(ledger.standing("job-1").orElseThrow().stopped()).contains(CloseReason.TOLERANCE_EXCEEDED);

        ledger.record(
                "job-1",
                Optional.empty(),
                "b",
                List.of(new ItemOutcome.Skipped(2), new ItemOutcome.Skipped(3)),
                Map.of(),
                Optional.empty());
        assertThat(ledger.close("job-1", "b", LEASE)).isInstanceOfSatisfying(Closing.Publish.class, publish -> {
            assertThat(publish.job().status()).isEqualTo(JobStatus.FAILED);
            assertThat(publish.job().reason()).contains(CloseReason.TOLERANCE_EXCEEDED);
            assertThat(publish.job().skipped()).isEqualTo(2);
        });
    }

    @Test
    void aCancelledJobStopsAndClosesCancelledOnceItsOpenItemsAreSkipped() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 2);
        ledger.record("job-1", Optional.empty(), "a", done(0), Map.of(), Optional.empty());

        assertThat(ledger.cancel("job-1")).isEqualTo(Ledger.Cancelled.STOPPED);
        assertThat(ledger.cancel("job-1")).isEqualTo(Ledger.Cancelled.ALREADY_STOPPED);
        assertThat(ledger.cancel("job-2")).isEqualTo(Ledger.Cancelled.NO_SUCH_JOB);
        assertThat(ledger.standing("job-1").orElseThrow().stopped()).contains(CloseReason.CANCELLED);

        ledger.record("job-1", Optional.empty(), "b", List.of(new ItemOutcome.Skipped(1)), Map.of(), Optional.empty());
        assertThat(ledger.close("job-1", "b", LEASE)).isInstanceOfSatisfying(Closing.Publish.class, publish -> {
            assertThat(publish.job().status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(publish.job().processed()).isEqualTo(1);
            assertThat(publish.job().skipped()).isEqualTo(1);
        });
        assertThat(ledger.cancel("job-1")).isEqualTo(Ledger.Cancelled.ALREADY_STOPPED);
    }

    @Test
    void theSweepClosesAFullyCountedJobNobodyClosedAndTimesOutAStuckOne() {
        Ledger ledger = ledger();
        ledger.startJob("counted", "Order", 1);
        ledger.record("counted", Optional.empty(), "crashed-before-closing", done(0), Map.of(), Optional.empty());
        ledger.startJob("stuck", "Order", 3);
        ledger.record("stuck", Optional.empty(), "a", done(1), Map.of(), Optional.empty());

        List<Closing.Publish> first = ledger.sweep("sweep", LEASE);
        assertThat(first).extracting(p -> p.job().jobId()).containsExactly("counted");
        ledger.published(first.getFirst().job(), "sweep");

        clock.advance(Duration.ofDays(5).plusSeconds(1));
        List<Closing.Publish> second = ledger.sweep("sweep", LEASE);
        assertThat(second).singleElement().satisfies(publish -> {
            assertThat(publish.job().jobId()).isEqualTo("stuck");
            assertThat(publish.job().status()).isEqualTo(JobStatus.TIMED_OUT);
            assertThat(publish.job().processed()).isEqualTo(1);
            assertThat(publish.job().skipped()).isEqualTo(2);
        });
    }

    @Test
    void aReleasedClaimIsTakenAtOnceAndCountsTheFailedAttemptOnce() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 1);
        ledger.claim("job-1", "1", "a", LEASE, false);

        assertThat(ledger.release("job-1", "1", "a", "boom")).isTrue();
        assertThat(ledger.release("job-1", "1", "a", "boom"))
                .as("a release sent twice counts once")
                .isFalse();

        assertThat(ledger.claim("job-1", "1", "b", LEASE, false)).isEqualTo(new Claim.Claimed(2, 0));
        assertThat(ledger.standing("job-1").orElseThrow().failedAttempts()).isEqualTo(1);
        assertThat(ledger.firstError("job-1", "1")).contains("boom");
    }

    @Test
    void aSplitsProgressKeepsTheMostAnyAttemptReached() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 100);
        ledger.claim("job-1", "", "a", LEASE, false);
        ledger.progress("job-1", "", "a", 40);
        ledger.progress("job-1", "", "a", 20);

        clock.advance(LEASE.plusMillis(1));
        assertThat(ledger.claim("job-1", "", "b", LEASE, false)).isEqualTo(new Claim.Claimed(2, 40));
    }

    @Test
    void aDeadLetteredTaskClaimedAgainIsARedrive() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 1);
        ledger.claim("job-1", "1", "a", LEASE, false);
        ledger.record(
                "job-1", Optional.of(new Ledger.Finish("1", TaskState.DEAD)), "a", dead(0), Map.of(), Optional.empty());

        assertThat(ledger.claim("job-1", "1", "b/m-2", LEASE, false))
                .as("a late delivery takes nothing")
                .isEqualTo(new Claim.DeadLettered("a"));
        assertThat(ledger.claim("job-1", "1", "b/m-3", LEASE, true)).isEqualTo(new Claim.Claimed(2, 0, true, 1));
    }

    @Test
    void resultsReadInItemOrder() {
        Ledger ledger = ledger();
        ledger.startJob("job-1", "Order", 3);
        ledger.record("job-1", Optional.empty(), "a", done(2, 0), Map.of(), Optional.empty());
        ledger.record("job-1", Optional.empty(), "a", dead(1), Map.of(), Optional.empty());

        List<ItemMark> marks = new ArrayList<>();
        ledger.results("job-1", marks::add);

        assertThat(marks).extracting(ItemMark::index).containsExactly(0L, 1L, 2L);
        assertThat(marks.get(0).result()).contains("{\"i\":0}");
        assertThat(marks.get(1).errorMessage()).contains("boom 1");
    }

    @Test
    void markingAnItemOfAJobTheLedgerDoesNotHaveSaysSo() {
        Ledger ledger = ledger();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ledger.record("gone", Optional.empty(), "a", done(0), Map.of(), Optional.empty()))
                .isInstanceOf(UnknownJobException.class)
                .hasMessageContaining("job gone is not in the ledger");
    }
}
