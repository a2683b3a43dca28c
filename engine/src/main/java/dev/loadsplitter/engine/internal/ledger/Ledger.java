package dev.loadsplitter.engine.internal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.CloseReason;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.ItemResult;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The ledger of every job: which items are done, dead-lettered or skipped, who works on which
 * sub-task, and when each job closes. Its invariants hold by construction (docs/reliability.md):
 * <ul>
 *   <li>every item has one mark, keyed by its index in the original event, changed only by a
 *       conditional write pinned to the state it was seen in, in one transaction with the counter it
 *       moves: counts are the numbers of marks in each state, so no item is counted twice;</li>
 *   <li>a job closes when its counts reach its items, by whichever invocation sees that first; every
 *       path that marks an item looks after marking, and a sweep looks at open jobs, so no fully
 *       counted job stays open;</li>
 *   <li>each close has a number and one completion event, handed to one invocation at a time.</li>
 * </ul>
 * Every call is safe to repeat, so a lost answer, a crash between two calls or a duplicate delivery
 * leaves the ledger true.
 */
public final class Ledger implements JobLedger {

    private final LedgerCalls calls;
    private final TaskClaims claims;
    private final ItemMarks marks;
    private final JobBook jobs;

    public Ledger(LedgerTable table, Clock clock, LedgerSettings settings, Sleeper sleeper) {
        this.calls = new LedgerCalls(table, clock, settings, sleeper);
        this.claims = new TaskClaims(calls);
        this.marks = new ItemMarks(calls, claims);
        this.jobs = new JobBook(calls);
    }

    public LedgerSettings settings() {
        return calls.settings;
    }

    /** Readies the store's client during the function's init. */
    @Override
    public void warmUp() {
        calls.table.warmUp();
    }

    // -- jobs

    /** Opens job {@code jobId} with {@code items} items; a job that exists stays as it is. */
    @Override
    public void startJob(String jobId, String taskType, long items) {
        jobs.start(jobId, taskType, items);
    }

    /** The job's counts (a strongly consistent read of its shards); empty when there is no such job. */
    @Override
    public Optional<Standing> standing(String jobId) {
        return jobs.standing(jobId, true);
    }

    /** Closes the job if every item is accounted for, and hands out its completion event; see {@link Closing}. */
    @Override
    public Closing close(String jobId, String owner, Duration lease) {
        return jobs.close(jobId, owner, lease);
    }

    @Override
    public void published(JobRecord job, String owner) {
        jobs.published(job, owner);
    }

    @Override
    public void publicationFailed(String jobId, int close, String owner) {
        jobs.publicationFailed(jobId, close, owner);
    }

    // -- sub-tasks

    /** Claims sub-task {@code partId} ({@code ""} for the original task) of the job for {@code lease}. */
    @Override
    public Claim claim(String jobId, String partId, String owner, Duration lease, boolean redrive) {
        return claims.claim(jobId, partId, owner, lease, redrive);
    }

    /** A split's progress: parts covering its first {@code queued} items are queued. */
    @Override
    public void progress(String jobId, String partId, String owner, long queued) {
        claims.progress(jobId, partId, owner, queued);
    }

    /** Moves a sub-task to DONE (a split that queued all its parts) or DEAD. */
    @Override
    public void finishTask(String jobId, String partId, TaskState state) {
        claims.finish(jobId, partId, state);
    }

    /** Gives back the caller's claim after a failed attempt and counts the failure; false when it was not the caller's. */
    @Override
    public boolean release(String jobId, String partId, String owner, String error) {
        return claims.release(jobId, partId, owner, error);
    }

    /** How many of a split's items its attempts queued as parts (those are counted where the parts end). */
    public long queued(String jobId, String partId) {
        return claims.queued(jobId, partId);
    }

    /** The first error recorded for a sub-task, for operators looking at the DLQ. */
    public Optional<String> firstError(String jobId, String partId) {
        return claims.read(jobId, partId).flatMap(item -> item.text(LedgerKeys.FIRST_ERROR));
    }

    // -- items

    /** The marks of items {@code [from, to)}: items without one are absent. */
    @Override
    public Map<Long, MarkState> marks(String jobId, long from, long to) {
        return marks.read(jobId, from, to);
    }

    /**
     * Marks what became of items, counting each change once; the last write also moves sub-task
     * {@code finish.partId} to {@code finish.state}, when given.
     *
     * @param known the items' marks as the caller last read them; unlisted items are assumed unmarked
     * @throws UnknownJobException when the job is not in the ledger
     */
    @Override
    public void record(
            String jobId,
            Optional<Finish> finish,
            String owner,
            List<ItemOutcome> outcomes,
            Map<Long, MarkState> known,
            Optional<String> held) {
        marks.record(jobId, finish.map(f -> new ItemMarks.Finish(f.partId(), f.state())), owner, outcomes, known, held);
    }

    /** Where a sub-task's claim goes once its items are marked. */
    public record Finish(String partId, TaskState state) {}

    // -- operators

    /** One job as it stands now. */
    public Optional<JobRecord> job(String jobId) {
        return jobs.record(jobId);
    }

    /**
     * Jobs, newest first, from the jobs index of the days the records are kept.
     *
     * @param limit the most jobs to return
     */
    public List<JobRecord> jobs(int limit) {
        List<JobRecord> found = new ArrayList<>();
        for (String jobId : recentJobIds(limit)) {
            jobs.record(jobId).ifPresent(found::add);
        }
        return found;
    }

    /** Every mark of the job, in item order. */
    public void results(String jobId, Consumer<ItemMark> each) {
        long items = jobs.standing(jobId, true).map(Standing::items).orElse(0L);
        marks.forEach(jobId, 0, items, item -> each.accept(ItemMark.of(item)));
    }

    /**
     * What became of each of the job's items, in item order, one each: for an open job the items
     * finished so far; for a closed one every item, those it never started as {@link ItemResult.Skipped}.
     *
     * @return whether the job is closed, so that every item was given
     * @throws UnknownJobException when there is no such job
     */
    public boolean itemResults(String jobId, Consumer<ItemResult> each) {
        JobRecord record = jobs.record(jobId).orElseThrow(() -> new UnknownJobException(jobId));
        boolean closed = record.status().isClosed();
        long[] next = {0};
        marks.forEach(jobId, 0, record.items(), item -> {
            ItemMark mark = ItemMark.of(item);
            if (closed) {
                for (long gap = next[0]; gap < mark.index(); gap++) {
                    each.accept(new ItemResult.Skipped(gap));
                }
            }
            next[0] = mark.index() + 1;
            toResult(mark).ifPresent(each);
        });
        if (closed) {
            for (long gap = next[0]; gap < record.items(); gap++) {
                each.accept(new ItemResult.Skipped(gap));
            }
        }
        return closed;
    }

    private static Optional<ItemResult> toResult(ItemMark mark) {
        return switch (mark.state()) {
            case DONE ->
                Optional.of(new ItemResult.Done(
                        mark.index(), mark.result().map(Ledger::parse).orElse(NullNode.getInstance())));
            case DEAD ->
                Optional.of(new ItemResult.Failed(
                        mark.index(),
                        mark.errorType().orElse(""),
                        mark.errorMessage().orElse("")));
            case SKIPPED -> Optional.of(new ItemResult.Skipped(mark.index()));
            case PENDING -> Optional.empty();
        };
    }

    private static JsonNode parse(String json) {
        try {
            return EventJson.shared().readTree(json);
        } catch (java.io.IOException e) {
            // Written by the engine's own mapper: unreadable only if the table was edited by hand.
            return TextNode.valueOf(json);
        }
    }

    /** What cancelling a job came to. */
    public enum Cancelled {
        /** Stopped now: no new work starts; it closes as CANCELLED when its last work in flight ends. */
        STOPPED,
        /** It was stopped already. */
        ALREADY_STOPPED,
        /** It had closed otherwise (completed, failed, timed out). */
        ALREADY_CLOSED,
        /** There is no such job. */
        NO_SUCH_JOB
    }

    /** Stops a job: no work starts after this; items not started are skipped. */
    public Cancelled cancel(String jobId) {
        Optional<Item> header = jobs.header(jobId);
        if (header.isEmpty()) {
            return Cancelled.NO_SUCH_JOB;
        }
        Optional<Standing> standing = jobs.standing(jobId, true);
        if (standing.flatMap(Standing::stop).isPresent()) {
            return Cancelled.ALREADY_STOPPED;
        }
        JobStatus status =
                jobs.current(header.get(), standing.orElse(Standing.none())).status();
        if (status.isClosed()) {
            return status == JobStatus.CANCELLED ? Cancelled.ALREADY_STOPPED : Cancelled.ALREADY_CLOSED;
        }
        List<Write> writes = new ArrayList<>();
        writes.add(new Write.Update(
                LedgerKeys.header(jobId),
                List.of(Change.set(LedgerKeys.CHANGED_AT, calls.now())),
                Condition.present()));
        // Any one shard's stop stops the job: the first 16 carry it, not the spill shards made under contention.
        for (int shard = 0; shard < LedgerKeys.MIN_SHARDS; shard++) {
            writes.add(new Write.Update(
                    LedgerKeys.shard(jobId, shard),
                    List.of(Change.set(LedgerKeys.STOP, CloseReason.CANCELLED.name())),
                    Condition.present()));
        }
        try {
            calls.retrying("cancelling job " + jobId, () -> calls.table.transact(writes, calls.token()));
        } catch (TransactionCancelledException gone) {
            return Cancelled.NO_SUCH_JOB;
        }
        return Cancelled.STOPPED;
    }

    /**
     * Readies a redrive of items {@code [from, to)}: their DEAD marks become PENDING, so the job
     * counts them open again and reads as open; once they end it closes again, with the next close
     * number.
     *
     * @return how many items were dead-lettered and are now pending
     */
    @Override
    public long redrive(String jobId, long from, long to) {
        List<ItemOutcome> pending = new ArrayList<>();
        Map<Long, MarkState> seen = marks.read(jobId, from, to);
        seen.forEach((index, state) -> {
            if (state == MarkState.DEAD) {
                pending.add(new ItemOutcome.Redriven(index));
            }
        });
        long moved = marks.record(jobId, Optional.empty(), "redrive", pending, seen, Optional.empty())
                .marked();
        if (moved > 0) {
            // Its counts are short of its items now: it reads as open, and the sweep's deadline starts again.
            calls.retrying("reopening job " + jobId, () -> {
                try {
                    calls.table.write(new Write.Update(
                            LedgerKeys.header(jobId),
                            List.of(
                                    Change.set(LedgerKeys.CHANGED_AT, calls.now()),
                                    Change.set(
                                            LedgerKeys.DEADLINE,
                                            calls.now()
                                                    + calls.settings
                                                            .jobDeadline()
                                                            .toMillis())),
                            Condition.present()));
                } catch (ConditionFailedException gone) {
                    // Not in the ledger: nothing to reopen.
                }
            });
            jobs.header(jobId).ifPresent(jobs::unsettled);
        }
        return moved;
    }

    /**
     * The safety net, run on a schedule: every open job of the days the records are kept is closed
     * if its items are all accounted for (a crash between the last mark and the close), and one
     * still open past its deadline has its open items skipped and closes as TIMED_OUT. Jobs closed
     * but not announced come back too.
     *
     * @param owner who sweeps, for the completion events' leases
     * @param lease how long the sweeper may hold each event
     * @return the completion events the sweeper now holds and must publish
     */
    @Override
    public List<Closing.Publish> sweep(String owner, Duration lease) {
        List<Closing.Publish> publish = new ArrayList<>();
        long now = calls.now();
        for (Item entry : unsettledEntries()) {
            String jobId = entry.text(LedgerKeys.JOB_ID, "");
            Closing closing = jobs.close(jobId, owner, lease);
            if (closing instanceof Closing.Open open) {
                Optional<Item> header = jobs.header(jobId);
                if (header.isPresent() && header.get().number(LedgerKeys.DEADLINE) < now) {
                    skipOpenItems(jobId, open.standing().items());
                    closing = jobs.close(jobId, owner, lease);
                }
            }
            if (closing instanceof Closing.Publish event) {
                publish.add(event);
            } else if (closing instanceof Closing.Settled || closing instanceof Closing.Unknown) {
                Optional<Item> header = jobs.header(jobId);
                boolean announced = header.isPresent()
                        && header.get().number(LedgerKeys.CLOSE) > 0
                        && header.get().number(LedgerKeys.PUBLISHED)
                                >= header.get().number(LedgerKeys.CLOSE)
                        && jobs.standing(jobId, true).map(Standing::complete).orElse(false);
                if (announced || header.isEmpty()) {
                    // Its publisher died between announcing it and taking it off this list (or it expired).
                    jobs.settled(jobId, Instant.ofEpochMilli(entry.number(LedgerKeys.CREATED_AT)));
                }
            }
        }
        return publish;
    }

    /**
     * Jobs the sweep would still act on: open ones, and closed ones whose last close was not
     * announced. Empty once every job has settled.
     */
    public List<String> unsettledJobs() {
        return unsettledEntries().stream()
                .map(entry -> entry.text(LedgerKeys.JOB_ID, ""))
                .toList();
    }

    private List<Item> unsettledEntries() {
        List<Item> entries = new ArrayList<>();
        Optional<ItemKey> after = Optional.empty();
        do {
            Optional<ItemKey> start = after;
            LedgerTable.Page page = calls.retrying(
                    "reading the unsettled jobs",
                    () -> calls.table.query(
                            LedgerKeys.UNSETTLED, LedgerTable.SortRange.between("0", "9~"), true, 1_000, start, true));
            entries.addAll(page.items());
            after = page.next();
        } while (after.isPresent());
        return entries;
    }

    private void skipOpenItems(String jobId, long items) {
        Set<Long> marked = new LinkedHashSet<>();
        Map<Long, MarkState> states = new java.util.HashMap<>();
        marks.forEach(jobId, 0, items, item -> {
            long index = LedgerKeys.indexOf(item.key());
            MarkState state = MarkState.valueOf(item.text(LedgerKeys.STATE, MarkState.PENDING.name()));
            states.put(index, state);
            if (state != MarkState.PENDING) {
                marked.add(index);
            }
        });
        List<ItemOutcome> skips = new ArrayList<>();
        for (long index = 0; index < items; index++) {
            if (!marked.contains(index)) {
                skips.add(new ItemOutcome.Skipped(index));
            }
        }
        marks.record(jobId, Optional.empty(), "sweep", skips, states, Optional.empty());
    }

    /** Job ids from the jobs index, newest first. */
    private List<String> recentJobIds(int limit) {
        List<String> ids = new ArrayList<>();
        Instant today = calls.clock.instant();
        long days = Math.max(1, calls.settings.timeToLive().toDays() + 1);
        for (long back = 0; back <= days && ids.size() < limit; back++) {
            String partition = LedgerKeys.indexPartition(today.minus(Duration.ofDays(back)));
            Optional<ItemKey> after = Optional.empty();
            do {
                Optional<ItemKey> start = after;
                LedgerTable.Page page = calls.retrying(
                        "reading the jobs index " + partition,
                        () -> calls.table.query(
                                partition, LedgerTable.SortRange.between("0", "9~"), false, 1_000, start, true));
                for (Item entry : page.items()) {
                    if (ids.size() >= limit) {
                        break;
                    }
                    entry.text(LedgerKeys.JOB_ID).ifPresent(ids::add);
                }
                after = page.next();
            } while (after.isPresent() && ids.size() < limit);
        }
        return ids;
    }
}
