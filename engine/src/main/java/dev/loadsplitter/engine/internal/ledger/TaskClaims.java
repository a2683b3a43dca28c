package dev.loadsplitter.engine.internal.ledger;

import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.ATTEMPTS;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.EXPIRES_AT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.FAILED_ATTEMPTS;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.FIRST_ERROR;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.LAST_ERROR;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.LEASE_ENDS;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.OWNER;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.QUEUED;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.STATE;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.UPDATED_AT;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Claims on sub-tasks: one item per sub-task ({@code t/<part>}), taken with a conditional write so
 * one invocation at a time works on it, under a lease that runs out on its own when the holder dies.
 * A claim names its owner (the invocation and the delivery), so the same claim sent again after a
 * lost answer is recognised as the caller's own rather than someone else's.
 */
final class TaskClaims {

    private static final int MAX_ERROR = 2_000;
    /** Whether the claim took a dead-lettered task: a redrive, which opens its dead items again. */
    private static final String REDRIVE = "redrive";
    /** How many times the task was redriven. */
    private static final String GENERATION = "generation";

    private final LedgerCalls calls;

    TaskClaims(LedgerCalls calls) {
        this.calls = calls;
    }

    Claim claim(String jobId, String partId, String owner, Duration lease, boolean redriving) {
        ItemKey key = LedgerKeys.task(jobId, partId);
        return calls.retrying("claiming " + key, () -> {
            long now = calls.now();
            // Optimistic first: most sub-tasks are claimed once, so the first try assumes nobody has.
            Optional<Item> seen;
            try {
                calls.table.write(
                        take(key, owner, now, lease, 1, 0, false, 0, Condition.or(Condition.absent(), mine(owner, 1))));
                return new Claim.Claimed(1, 0);
            } catch (ConditionFailedException refused) {
                seen = refused.current();
            }
            for (int round = 0; round < 8; round++) {
                if (seen.isEmpty()) {
                    try {
                        calls.table.write(take(key, owner, now, lease, 1, 0, false, 0, Condition.absent()));
                        return new Claim.Claimed(1, 0);
                    } catch (ConditionFailedException refused) {
                        seen = refused.current();
                        continue;
                    }
                }
                Item item = seen.get();
                String state = item.text(STATE, "");
                long attempts = item.number(ATTEMPTS);
                if (state.equals(TaskState.DONE.name())) {
                    return new Claim.Finished(Instant.ofEpochMilli(item.number(UPDATED_AT)));
                }
                if (state.equals(TaskState.IN_PROGRESS.name())) {
                    if (item.text(OWNER, "").equals(owner)) {
                        // Our own claim, whose answer was lost: the same claim, a redrive if it was one.
                        return new Claim.Claimed((int) attempts, item.number(QUEUED), item.number(REDRIVE) == 1, (int)
                                item.number(GENERATION));
                    }
                    if (item.number(LEASE_ENDS) > now) {
                        return new Claim.Held(Instant.ofEpochMilli(item.number(LEASE_ENDS)));
                    }
                }
                if (state.equals(TaskState.DEAD.name()) && !redriving) {
                    return new Claim.DeadLettered(item.text(OWNER, ""));
                }
                // Failed, redriven, or a lease run out: ours, if nobody moved it since we looked.
                boolean redrive = state.equals(TaskState.DEAD.name());
                // A redrive starts a new generation: its split's parts are new sub-tasks, queued from the start.
                long generation = item.number(GENERATION) + (redrive ? 1 : 0);
                long queued = redrive ? 0 : item.number(QUEUED);
                try {
                    calls.table.write(take(
                            key,
                            owner,
                            now,
                            lease,
                            attempts + 1,
                            queued,
                            redrive,
                            generation,
                            Condition.or(
                                    Condition.and(
                                            Condition.equal(ATTEMPTS, attempts),
                                            Condition.equal(UPDATED_AT, item.number(UPDATED_AT))),
                                    mine(owner, attempts + 1))));
                    return new Claim.Claimed((int) attempts + 1, queued, redrive, (int) generation);
                } catch (ConditionFailedException refused) {
                    seen = refused.current();
                }
            }
            throw new LedgerBusyException("the claim on " + key + " kept changing under us", null);
        });
    }

    /** Our own claim of attempt {@code attempts}, sent again after its answer was lost. */
    private static Condition mine(String owner, long attempts) {
        return Condition.and(
                Condition.equal(OWNER, owner),
                Condition.equal(STATE, TaskState.IN_PROGRESS.name()),
                Condition.equal(ATTEMPTS, attempts));
    }

    private Write take(
            ItemKey key,
            String owner,
            long now,
            Duration lease,
            long attempts,
            long queued,
            boolean redrive,
            long generation,
            Condition when) {
        return new Write.Update(
                key,
                List.of(
                        Change.set(STATE, TaskState.IN_PROGRESS.name()),
                        Change.set(REDRIVE, redrive ? 1L : 0L),
                        Change.set(GENERATION, generation),
                        Change.set(OWNER, owner),
                        Change.set(LEASE_ENDS, now + lease.toMillis()),
                        Change.set(ATTEMPTS, attempts),
                        Change.set(QUEUED, queued),
                        Change.set(UPDATED_AT, now),
                        Change.set(EXPIRES_AT, calls.expiresAt())),
                when);
    }

    /**
     * Records that the caller's split has queued parts covering its first {@code queued} items,
     * keeping the most any attempt reached.
     */
    void progress(String jobId, String partId, String owner, long queued) {
        ItemKey key = LedgerKeys.task(jobId, partId);
        calls.retrying("recording the progress of " + key, () -> {
            try {
                calls.table.write(new Write.Update(
                        key,
                        List.of(Change.set(QUEUED, queued), Change.set(UPDATED_AT, calls.now())),
                        Condition.and(
                                Condition.present(),
                                Condition.or(Condition.missing(QUEUED), Condition.less(QUEUED, queued)))));
            } catch (ConditionFailedException alreadyFurther) {
                // Another attempt queued as much or more (or this answer was lost and it is ours).
            }
        });
    }

    /** Moves the sub-task to {@code state} (DONE or DEAD), whoever holds it: its items speak for it now. */
    void finish(String jobId, String partId, TaskState state) {
        ItemKey key = LedgerKeys.task(jobId, partId);
        calls.retrying("finishing " + key, () -> {
            try {
                calls.table.write(finishing(key, state));
            } catch (ConditionFailedException done) {
                // DONE already: its items were all marked, and there is nothing left to dead-letter.
            }
        });
    }

    Write finishing(ItemKey key, TaskState state) {
        return new Write.Update(
                key,
                List.of(
                        Change.set(STATE, state.name()),
                        Change.set(UPDATED_AT, calls.now()),
                        Change.set(EXPIRES_AT, calls.expiresAt())),
                state == TaskState.DONE ? Condition.NONE : Condition.notEqual(STATE, TaskState.DONE.name()));
    }

    /**
     * Gives back the caller's claim after its attempt failed, so the next delivery may claim it at
     * once, and counts the failed attempt into the job, once: the release is conditional on the
     * claim still being the caller's, so a release sent twice counts once.
     *
     * @return false when the claim was no longer the caller's (its lease ran out and another took it)
     */
    boolean release(String jobId, String partId, String owner, String error) {
        ItemKey key = LedgerKeys.task(jobId, partId);
        String text = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        long now = calls.now();
        return calls.retrying("releasing " + key, () -> {
            try {
                calls.table.transact(
                        List.of(
                                new Write.Update(
                                        key,
                                        List.of(
                                                Change.set(STATE, TaskState.FAILED.name()),
                                                Change.set(UPDATED_AT, now),
                                                Change.set(LAST_ERROR, text),
                                                Change.setIfAbsent(FIRST_ERROR, text)),
                                        Condition.and(
                                                Condition.equal(OWNER, owner),
                                                Condition.equal(STATE, TaskState.IN_PROGRESS.name()))),
                                new Write.Update(
                                        LedgerKeys.shard(
                                                jobId, Math.floorMod(partId.hashCode(), LedgerKeys.MIN_SHARDS)),
                                        List.of(
                                                Change.add(FAILED_ATTEMPTS, 1),
                                                Change.set(EXPIRES_AT, calls.expiresAt())),
                                        Condition.present())),
                        calls.token());
                return true;
            } catch (TransactionCancelledException notOurs) {
                return false;
            }
        });
    }

    /** How many of a split's items its attempts have queued as parts; 0 when none or unknown. */
    long queued(String jobId, String partId) {
        return read(jobId, partId).map(item -> item.number(QUEUED)).orElse(0L);
    }

    /** The claim as stored, for operators: its state, attempts, errors. */
    Optional<Item> read(String jobId, String partId) {
        return calls.retrying(
                "reading " + LedgerKeys.task(jobId, partId),
                () -> calls.table.get(LedgerKeys.task(jobId, partId), true));
    }
}
