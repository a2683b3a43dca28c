package dev.loadsplitter.engine.internal.ledger;

import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.CHANGED_AT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.CLOSE;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.CLOSED_AT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.CREATED_AT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.DEADLINE;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.DEAD_LETTERED;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.EXPIRES_AT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.FAILED_ATTEMPTS;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.ITEMS;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.JOB_ID;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.PROCESSED;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.PUBLISHED;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.PUBLISHER;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.PUBLISHING_UNTIL;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.REASON;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.RESULTS;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.SKIPPED;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.SNAPSHOT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.STATUS;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.STOP;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.TASK_TYPE;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.TOLERATED;

import dev.loadsplitter.engine.message.CloseReason;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs as wholes: opening one, reading its counts, closing it when every item is accounted for and
 * handing out its completion event, stopping it, reopening it for a redrive.
 *
 * <p>A job closes when the sum of its shards reaches its items. Closing is a conditional write on
 * the header that moves its close number from {@code c} to {@code c + 1} and keeps the counts it
 * closed with, so of any number of invocations that see the job complete at once exactly one
 * closes it. Should the counts change after a close (an item dead-lettered by a split that had
 * queued it after all, then processed), the next look closes it again with the new counts: every
 * close has its own number, and its own event.
 */
final class JobBook {

    private final LedgerCalls calls;

    JobBook(LedgerCalls calls) {
        this.calls = calls;
    }

    /** Opens the job, or leaves it as it is when it exists. */
    void start(String jobId, String taskType, long items) {
        if (items < 1) {
            throw new IllegalArgumentException("a job has at least one item, got " + items + " for job " + jobId);
        }
        long now = calls.now();
        Instant created = Instant.ofEpochMilli(now);
        long expires = calls.expiresAt();
        long tolerated = calls.settings.tolerance().toleratedOf(items);
        List<Write> writes = new ArrayList<>();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(JOB_ID, jobId);
        header.put(TASK_TYPE, taskType);
        header.put(ITEMS, items);
        header.put(CREATED_AT, now);
        header.put(CHANGED_AT, now);
        header.put(DEADLINE, now + calls.settings.jobDeadline().toMillis());
        header.put(STATUS, JobStatus.IN_PROGRESS.name());
        header.put(CLOSE, 0L);
        header.put(PUBLISHED, 0L);
        header.put(EXPIRES_AT, expires);
        writes.add(new Write.Put(LedgerKeys.header(jobId), header, Condition.absent()));
        for (int shard = 0; shard < LedgerKeys.MIN_SHARDS; shard++) {
            writes.add(new Write.Put(
                    LedgerKeys.shard(jobId, shard),
                    Map.of(ITEMS, items, TOLERATED, tolerated, EXPIRES_AT, expires),
                    Condition.absent()));
        }
        writes.add(new Write.Put(
                LedgerKeys.indexEntry(created, jobId),
                Map.of(JOB_ID, jobId, CREATED_AT, now, EXPIRES_AT, expires),
                Condition.absent()));
        writes.add(new Write.Put(
                LedgerKeys.unsettledEntry(created, jobId),
                Map.of(JOB_ID, jobId, CREATED_AT, now, EXPIRES_AT, expires),
                Condition.absent()));
        calls.retrying("opening job " + jobId, () -> {
            try {
                calls.table.transact(writes, calls.token());
            } catch (TransactionCancelledException exists) {
                // Opened before: by an earlier delivery of the same event, or by this call before its answer was lost.
            }
        });
    }

    /** The job's counts, from its shards; empty when the ledger has no such job. */
    Optional<Standing> standing(String jobId, boolean consistent) {
        LedgerTable.Page page = calls.retrying(
                "reading the counts of job " + jobId,
                () -> calls.table.query(
                        jobId,
                        LedgerTable.SortRange.prefix(LedgerKeys.SHARD_PREFIX),
                        true,
                        LedgerKeys.MAX_SHARDS,
                        Optional.empty(),
                        consistent));
        if (page.items().isEmpty()) {
            return Optional.empty();
        }
        long items = 0;
        long processed = 0;
        long dead = 0;
        long skipped = 0;
        long results = 0;
        long failed = 0;
        long tolerated = -1;
        Optional<CloseReason> stop = Optional.empty();
        for (Item shard : page.items()) {
            items = Math.max(items, shard.number(ITEMS));
            tolerated = shard.has(TOLERATED) ? shard.number(TOLERATED) : tolerated;
            processed += shard.number(PROCESSED);
            dead += shard.number(DEAD_LETTERED);
            skipped += shard.number(SKIPPED);
            results += shard.number(RESULTS);
            failed += shard.number(FAILED_ATTEMPTS);
            if (shard.text(STOP).isPresent()) {
                stop = Optional.of(CloseReason.valueOf(shard.text(STOP).get()));
            }
        }
        return Optional.of(new Standing(items, processed, dead, skipped, results, failed, tolerated, stop));
    }

    Optional<Item> header(String jobId) {
        return calls.retrying("reading job " + jobId, () -> calls.table.get(LedgerKeys.header(jobId), true));
    }

    /**
     * Closes the job when every item is accounted for, and hands its completion event to the caller
     * when it is not published and nobody else holds it.
     *
     * @param owner who asks, for the publication's lease
     * @param lease how long the caller may hold the event: the time its invocation has left
     */
    Closing close(String jobId, String owner, Duration lease) {
        Optional<Standing> counted = standing(jobId, true);
        if (counted.isEmpty()) {
            return new Closing.Unknown();
        }
        Standing standing = counted.get();
        if (!standing.complete()) {
            return new Closing.Open(standing);
        }
        Optional<Item> read = header(jobId);
        if (read.isEmpty()) {
            return new Closing.Unknown();
        }
        Item header = read.get();
        // The counts read again after the header: at least as fresh as the close it holds, so no close is ever
        // made with counts older than the one before it.
        standing = standing(jobId, true).orElseThrow(() -> new UnknownJobException(jobId));
        if (!standing.complete()) {
            return new Closing.Open(standing);
        }
        for (int round = 0; round < 8; round++) {
            long close = header.number(CLOSE);
            boolean changed = close == 0
                    || !standing.sameCounts(
                            header.number(SNAPSHOT + PROCESSED),
                            header.number(SNAPSHOT + DEAD_LETTERED),
                            header.number(SNAPSHOT + SKIPPED));
            if (changed) {
                // A close is announced before the next one is made, so every close number has its event. Counts
                // that changed before close c was announced correct close c in place, unless someone set out to
                // announce it: then its counts stay, c is announced (again, if need be), and the announcer's next
                // look makes close c + 1 with the new counts.
                boolean announced = close == 0 || header.number(PUBLISHED) >= close;
                boolean attempted = header.number(LedgerKeys.ATTEMPTED) >= close;
                if (!announced && attempted) {
                    return publication(jobId, header, owner, lease);
                }
                Optional<Item> closed = tryClose(jobId, header, standing, !announced);
                if (closed.isEmpty()) {
                    // Another invocation closed it, or counted into it, meanwhile: look again.
                    header = header(jobId).orElseThrow(() -> new UnknownJobException(jobId));
                    standing = standing(jobId, true).orElseThrow(() -> new UnknownJobException(jobId));
                    if (!standing.complete()) {
                        return new Closing.Open(standing);
                    }
                    continue;
                }
                header = closed.get();
            }
            return publication(jobId, header, owner, lease);
        }
        throw new LedgerBusyException("job " + jobId + " kept changing while it was being closed", null);
    }

    /**
     * Closes the job with {@code standing}'s counts: as close c + 1, or, {@code inPlace}, as close c
     * again when c was not announced yet (and nobody is announcing it).
     */
    private Optional<Item> tryClose(String jobId, Item header, Standing standing, boolean inPlace) {
        long close = header.number(CLOSE);
        long now = calls.now();
        Verdict verdict = verdict(standing);
        List<Change> changes = List.of(
                Change.set(STATUS, verdict.status().name()),
                Change.set(REASON, verdict.reason().name()),
                Change.set(CLOSE, inPlace ? close : close + 1),
                Change.set(CLOSED_AT, now),
                Change.set(CHANGED_AT, now),
                Change.set(SNAPSHOT + PROCESSED, standing.processed()),
                Change.set(SNAPSHOT + DEAD_LETTERED, standing.deadLettered()),
                Change.set(SNAPSHOT + SKIPPED, standing.skipped()),
                Change.set(SNAPSHOT + RESULTS, standing.results()),
                Change.set(SNAPSHOT + FAILED_ATTEMPTS, standing.failedAttempts()),
                Change.set(EXPIRES_AT, calls.expiresAt()));
        Condition unchanged = inPlace
                ? Condition.and(
                        Condition.equal(CLOSE, close),
                        Condition.less(PUBLISHED, close),
                        Condition.or(
                                Condition.missing(LedgerKeys.ATTEMPTED), Condition.less(LedgerKeys.ATTEMPTED, close)))
                : Condition.and(
                        Condition.equal(CLOSE, close),
                        Condition.or(Condition.equal(CLOSE, 0L), Condition.not(Condition.less(PUBLISHED, close))));
        Write closing = new Write.Update(LedgerKeys.header(jobId), changes, unchanged);
        try {
            if (close == 0 || inPlace) {
                // Not announced yet: the job is on the sweep's list of unsettled jobs already.
                calls.retrying("closing job " + jobId, () -> calls.table.write(closing));
            } else {
                // A new close of a job whose last close was announced: back on the sweep's list, in the same
                // step, so its event cannot be forgotten.
                long created = header.number(CREATED_AT);
                Write listed = new Write.Put(
                        LedgerKeys.unsettledEntry(Instant.ofEpochMilli(created), jobId),
                        Map.of(JOB_ID, jobId, CREATED_AT, created, EXPIRES_AT, calls.expiresAt()),
                        Condition.NONE);
                calls.retrying(
                        "closing job " + jobId, () -> calls.table.transact(List.of(closing, listed), calls.token()));
            }
        } catch (ConditionFailedException | TransactionCancelledException moved) {
            return Optional.empty();
        }
        Map<String, Object> after = new LinkedHashMap<>(header.attributes());
        for (Change change : changes) {
            change.apply(after);
        }
        return Optional.of(new Item(header.key(), after));
    }

    /** How a job whose items are all accounted for closes. */
    record Verdict(JobStatus status, CloseReason reason) {}

    static Verdict verdict(Standing standing) {
        Optional<CloseReason> stopped = standing.stopped();
        if (stopped.isPresent()) {
            return stopped.get() == CloseReason.CANCELLED
                    ? new Verdict(JobStatus.CANCELLED, CloseReason.CANCELLED)
                    : new Verdict(JobStatus.FAILED, CloseReason.TOLERANCE_EXCEEDED);
        }
        if (standing.skipped() > 0) {
            return new Verdict(JobStatus.TIMED_OUT, CloseReason.TIMED_OUT);
        }
        if (standing.deadLettered() == 0) {
            return new Verdict(JobStatus.COMPLETED, CloseReason.ALL_PROCESSED);
        }
        if (standing.processed() == 0) {
            return new Verdict(JobStatus.FAILED, CloseReason.ALL_DEAD_LETTERED);
        }
        return new Verdict(JobStatus.COMPLETED_WITH_FAILURES, CloseReason.DEAD_LETTERED);
    }

    private Closing publication(String jobId, Item header, String owner, Duration lease) {
        long close = header.number(CLOSE);
        if (close <= header.number(PUBLISHED)) {
            return new Closing.Settled();
        }
        long now = calls.now();
        try {
            calls.retrying(
                    "taking the completion event of job " + jobId,
                    () -> calls.table.write(new Write.Update(
                            LedgerKeys.header(jobId),
                            List.of(
                                    Change.set(PUBLISHER, owner),
                                    Change.set(PUBLISHING_UNTIL, now + lease.toMillis()),
                                    Change.set(LedgerKeys.ATTEMPTED, close)),
                            Condition.and(
                                    Condition.equal(CLOSE, close),
                                    Condition.less(PUBLISHED, close),
                                    Condition.or(
                                            Condition.missing(PUBLISHING_UNTIL),
                                            Condition.less(PUBLISHING_UNTIL, now),
                                            Condition.equal(PUBLISHER, owner))))));
        } catch (ConditionFailedException heldOrDone) {
            return new Closing.Settled();
        }
        return new Closing.Publish(closedRecord(header));
    }

    /**
     * Records that close {@code job.close()}'s event was published, and marks the job settled in the
     * jobs index, where the sweep no longer looks for it.
     */
    void published(JobRecord job, String owner) {
        int close = job.close();
        calls.retrying("recording the completion event of job " + job.jobId(), () -> {
            try {
                calls.table.write(new Write.Update(
                        LedgerKeys.header(job.jobId()),
                        List.of(Change.set(PUBLISHED, (long) close), Change.remove(PUBLISHING_UNTIL)),
                        Condition.less(PUBLISHED, close)));
            } catch (ConditionFailedException already) {
                // Recorded already, by this call before its answer was lost or by another publisher.
            }
        });
        // Counts that changed while the event went out make the next close: the job stays on the sweep's list.
        boolean unchanged = standing(job.jobId(), true)
                .map(now -> now.sameCounts(job.processed(), job.deadLettered(), job.skipped()))
                .orElse(true);
        if (unchanged) {
            settled(job.jobId(), job.firstActivity());
        }
    }

    /** Takes a job out of the unsettled partition: it is closed and its last close announced. */
    void settled(String jobId, Instant createdAt) {
        calls.retrying(
                "marking job " + jobId + " settled",
                () -> calls.table.write(new Write.Delete(LedgerKeys.unsettledEntry(createdAt, jobId), Condition.NONE)));
    }

    /** Puts a reopened job back in the unsettled partition, so the sweep watches it. */
    void unsettled(Item header) {
        long created = header.number(CREATED_AT);
        calls.retrying(
                "marking job " + header.key().pk() + " open",
                () -> calls.table.write(new Write.Put(
                        LedgerKeys.unsettledEntry(
                                Instant.ofEpochMilli(created), header.key().pk()),
                        Map.of(JOB_ID, header.key().pk(), CREATED_AT, created, EXPIRES_AT, calls.expiresAt()),
                        Condition.NONE)));
    }

    /** Gives back close {@code close}'s event after a publication failed, so the next look may try again. */
    void publicationFailed(String jobId, int close, String owner) {
        calls.retrying("giving back the completion event of job " + jobId, () -> {
            try {
                calls.table.write(new Write.Update(
                        LedgerKeys.header(jobId),
                        List.of(Change.remove(PUBLISHING_UNTIL)),
                        Condition.and(Condition.equal(PUBLISHER, owner), Condition.less(PUBLISHED, close))));
            } catch (ConditionFailedException notOurs) {
                // Someone else holds or published it.
            }
        });
    }

    /** The record a close was made with, as its completion event carries it. */
    JobRecord closedRecord(Item header) {
        return new JobRecord(
                header.text(JOB_ID, header.key().pk()),
                header.text(TASK_TYPE, ""),
                header.number(ITEMS),
                header.number(SNAPSHOT + PROCESSED),
                header.number(SNAPSHOT + DEAD_LETTERED),
                header.number(SNAPSHOT + SKIPPED),
                header.number(SNAPSHOT + RESULTS),
                header.number(SNAPSHOT + FAILED_ATTEMPTS),
                Instant.ofEpochMilli(header.number(CREATED_AT)),
                Instant.ofEpochMilli(header.number(CHANGED_AT)),
                JobStatus.valueOf(header.text(STATUS, JobStatus.IN_PROGRESS.name())),
                header.text(REASON).map(CloseReason::valueOf),
                (int) header.number(CLOSE),
                header.has(CLOSED_AT) ? Optional.of(Instant.ofEpochMilli(header.number(CLOSED_AT))) : Optional.empty());
    }

    /** The job as it stands now: its header's status, its shards' counts. */
    Optional<JobRecord> record(String jobId) {
        Optional<Item> header = header(jobId);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        Standing standing = standing(jobId, true).orElse(new Standing(0, 0, 0, 0, 0, 0, -1, Optional.empty()));
        return Optional.of(current(header.get(), standing));
    }

    /**
     * The job as it stands: open until its first close, and open again while a redrive's items are
     * pending (its counts short of its items); else as it last closed.
     */
    JobRecord current(Item header, Standing standing) {
        boolean open = header.number(CLOSE) == 0 || !standing.complete();
        JobStatus status =
                open ? JobStatus.IN_PROGRESS : JobStatus.valueOf(header.text(STATUS, JobStatus.IN_PROGRESS.name()));
        return new JobRecord(
                header.text(JOB_ID, header.key().pk()),
                header.text(TASK_TYPE, ""),
                header.number(ITEMS),
                standing.processed(),
                standing.deadLettered(),
                standing.skipped(),
                standing.results(),
                standing.failedAttempts(),
                Instant.ofEpochMilli(header.number(CREATED_AT)),
                Instant.ofEpochMilli(header.number(CHANGED_AT)),
                status,
                status.isClosed() ? header.text(REASON).map(CloseReason::valueOf) : Optional.empty(),
                (int) header.number(CLOSE),
                header.has(CLOSED_AT) ? Optional.of(Instant.ofEpochMilli(header.number(CLOSED_AT))) : Optional.empty());
    }
}
