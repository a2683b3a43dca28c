package dev.loadsplitter.engine.internal.ledger;

import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.AT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.BY;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.ERROR_MESSAGE;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.ERROR_TYPE;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.EXPIRES_AT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.RESULT;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.RESULTS;
import static dev.loadsplitter.engine.internal.ledger.LedgerKeys.STATE;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-item marks and the counts they make. Every change of an item's mark is a conditional write
 * pinned to the state it was seen in, in one transaction with the counter shard it moves, so a count
 * changes exactly when a mark does: an item is never counted twice, however often its work ran, its
 * answer was lost or its delivery repeated. The counts are then the numbers of marks in each state.
 */
final class ItemMarks {

    /** Marks per transaction: DynamoDB takes 100 actions, and the shard and the sub-task's claim need two. */
    static final int PER_TRANSACTION = 98;

    private static final int MAX_ERROR = 2_000;
    private static final int MAX_ROUNDS = 16;

    private final LedgerCalls calls;
    private final TaskClaims claims;

    ItemMarks(LedgerCalls calls, TaskClaims claims) {
        this.calls = calls;
        this.claims = claims;
    }

    /** What recording outcomes changed. */
    record Recorded(long marked, long alreadyMarked) {}

    /**
     * Marks each outcome's item, in transactions of up to {@value #PER_TRANSACTION}, skipping items
     * whose mark already says as much or more (a DONE item stays DONE); the last transaction also
     * moves the sub-task to {@code finish}, when given.
     *
     * @param known the items' marks as the caller read them; items not in it are assumed unmarked
     * @param held the sub-task whose claim {@code owner} must hold for these marks to be written: a dead letter
     *     or a skip is the holder's to write, never a delivery's whose lease another has taken
     * @throws ClaimLostException when {@code owner} no longer holds {@code held}
     */
    Recorded record(
            String jobId,
            Optional<Finish> finish,
            String owner,
            List<ItemOutcome> outcomes,
            Map<Long, MarkState> known,
            Optional<String> held) {
        List<ItemOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparingLong(ItemOutcome::index));
        long marked = 0;
        long already = 0;
        if (sorted.isEmpty() && finish.isPresent()) {
            finishHeld(jobId, finish.get(), owner, held);
            return new Recorded(0, 0);
        }
        for (int from = 0; from < sorted.size(); from += PER_TRANSACTION) {
            List<ItemOutcome> chunk = sorted.subList(from, Math.min(sorted.size(), from + PER_TRANSACTION));
            boolean last = from + PER_TRANSACTION >= sorted.size();
            Recorded recorded = recordChunk(jobId, last ? finish : Optional.empty(), owner, chunk, known, held);
            marked += recorded.marked();
            already += recorded.alreadyMarked();
        }
        return new Recorded(marked, already);
    }

    /** Where a sub-task's claim goes once its items are marked. */
    record Finish(String partId, TaskState state) {}

    /** Moves the sub-task to its finish, only while {@code owner} holds it when {@code held} says so. */
    private void finishHeld(String jobId, Finish finish, String owner, Optional<String> held) {
        if (held.isEmpty()) {
            claims.finish(jobId, finish.partId(), finish.state());
            return;
        }
        calls.retrying("finishing " + finish.partId() + " of job " + jobId, () -> {
            try {
                calls.table.write(finishing(jobId, finish, owner, held));
            } catch (ConditionFailedException lost) {
                throw new ClaimLostException(jobId, held.get(), owner);
            }
        });
    }

    /** The write that finishes a sub-task; while {@code owner} holds it, when {@code held} names it. */
    private Write finishing(String jobId, Finish finish, String owner, Optional<String> held) {
        Write.Update plain = (Write.Update) claims.finishing(LedgerKeys.task(jobId, finish.partId()), finish.state());
        if (held.isEmpty() || !held.get().equals(finish.partId())) {
            return plain;
        }
        return new Write.Update(plain.key(), plain.changes(), holding(owner));
    }

    private static Condition holding(String owner) {
        return Condition.and(
                Condition.equal(LedgerKeys.OWNER, owner),
                Condition.equal(LedgerKeys.STATE, TaskState.IN_PROGRESS.name()));
    }

    private Recorded recordChunk(
            String jobId,
            Optional<Finish> finish,
            String owner,
            List<ItemOutcome> chunk,
            Map<Long, MarkState> known,
            Optional<String> held) {
        Map<Long, MarkState> seen = new HashMap<>();
        chunk.forEach(outcome -> seen.put(outcome.index(), known.get(outcome.index())));
        List<Finish> finishing = new ArrayList<>();
        finish.ifPresent(finishing::add);
        // Tries of the transaction so far, across backoffs: each try the store refused counts into another shard.
        int[] tries = {0};
        return calls.retrying("marking " + chunk.size() + " items of job " + jobId, () -> {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                List<Write> writes = new ArrayList<>();
                List<ItemOutcome> moving = new ArrayList<>();
                Map<String, Long> deltas = new LinkedHashMap<>();
                long now = calls.now();
                for (ItemOutcome outcome : chunk) {
                    MarkState before = seen.get(outcome.index());
                    if (!MarkState.moves(before, outcome.state())) {
                        continue;
                    }
                    moving.add(outcome);
                    writes.add(new Write.Put(
                            LedgerKeys.mark(jobId, outcome.index()),
                            attributes(outcome, owner, now),
                            before == null ? Condition.absent() : Condition.equal(STATE, before.name())));
                    if (before != null && before.counter() != null) {
                        deltas.merge(before.counter(), -1L, Long::sum);
                    }
                    if (outcome.state().counter() != null) {
                        deltas.merge(outcome.state().counter(), 1L, Long::sum);
                    }
                    if (outcome instanceof ItemOutcome.Done done
                            && done.result().isPresent()) {
                        deltas.merge(RESULTS, 1L, Long::sum);
                    }
                }
                if (writes.isEmpty()) {
                    finishing.forEach(f -> finishHeld(jobId, f, owner, held));
                    return new Recorded(0, chunk.size());
                }
                List<Change> changes = new ArrayList<>();
                deltas.forEach((counter, delta) -> {
                    if (delta != 0) {
                        changes.add(Change.add(counter, delta));
                    }
                });
                changes.add(Change.set(EXPIRES_AT, calls.expiresAt()));
                int shardAt = writes.size();
                writes.add(counting(jobId, moving.getFirst().index(), tries[0]++, changes));
                finishing.forEach(f -> writes.add(finishing(jobId, f, owner, held)));
                boolean checked = held.isPresent()
                        && finishing.stream().noneMatch(f -> f.partId().equals(held.get()));
                if (checked) {
                    writes.add(new Write.Check(LedgerKeys.task(jobId, held.get()), holding(owner)));
                }
                try {
                    transactHopping(writes, shardAt, jobId, moving.getFirst().index(), tries, changes);
                    return new Recorded(moving.size(), chunk.size() - moving.size());
                } catch (TransactionCancelledException e) {
                    if (e.failed(shardAt)) {
                        throw new UnknownJobException(jobId);
                    }
                    if (!finishing.isEmpty() && e.failed(shardAt + 1)) {
                        if (held.isPresent()) {
                            // Not ours any more: another delivery took the sub-task over, and its marks are its own.
                            throw new ClaimLostException(jobId, held.get(), owner);
                        }
                        // The sub-task is DONE already: there is nothing to dead-letter it as.
                        finishing.clear();
                    }
                    if (checked && e.failed(shardAt + 1)) {
                        throw new ClaimLostException(jobId, held.get(), owner);
                    }
                    // Some marks were not as we thought (another delivery, a dead-lettering, our own lost answer):
                    // look again at what is stored, and move only what still has to move.
                    for (int i = 0; i < moving.size(); i++) {
                        if (e.failed(i)) {
                            seen.put(
                                    moving.get(i).index(),
                                    e.reasons()
                                            .get(i)
                                            .current()
                                            .flatMap(item -> item.text(STATE))
                                            .map(MarkState::valueOf)
                                            .orElse(null));
                        }
                    }
                }
            }
            throw new LedgerBusyException("the marks of job " + jobId + " kept changing under us", null);
        });
    }

    /**
     * Transactions a mark may try at once on other shards when the store refuses one as busy, before
     * it waits out the ledger's backoff: a conflict on one shard (another transaction holds it) says
     * nothing of the next, so the next is tried at once.
     */
    static final int HOPS_BEFORE_BACKOFF = 4;

    /**
     * Sends the marks' transaction; when the store refuses it as busy, sends it again at once with its
     * count moved to another shard, up to {@value #HOPS_BEFORE_BACKOFF} tries, then lets the refusal
     * reach the caller's backoff. Which shard holds a count does not matter, only their sum, and a
     * refused transaction applied nothing.
     */
    private void transactHopping(
            List<Write> writes, int shardAt, String jobId, long first, int[] tries, List<Change> changes) {
        for (int quick = 1; ; quick++) {
            try {
                calls.table.transact(writes, calls.token());
                return;
            } catch (LedgerBusyException busy) {
                if (quick >= HOPS_BEFORE_BACKOFF) {
                    throw busy;
                }
                writes.set(shardAt, counting(jobId, first, tries[0]++, changes));
            }
        }
    }

    /**
     * The update of the counter shard a mark's {@code hop}th try counts into. The first try counts into
     * one of the 16 shards the job opened with, and its condition that the shard exists is how a mark
     * of a job the ledger does not know fails ({@link UnknownJobException}). A try after a refusal counts
     * into a spill shard, made by that write when it is the first there: a job's shards grow only where
     * its writers met, so a calm job's looks read 16 shards.
     */
    private static Write counting(String jobId, long first, int hop, List<Change> changes) {
        int shard = LedgerKeys.shardOf(first, hop);
        return new Write.Update(
                LedgerKeys.shard(jobId, shard),
                changes,
                shard < LedgerKeys.MIN_SHARDS ? Condition.present() : Condition.NONE);
    }

    private Map<String, Object> attributes(ItemOutcome outcome, String owner, long now) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(STATE, outcome.state().name());
        attributes.put(AT, now);
        attributes.put(BY, owner);
        attributes.put(EXPIRES_AT, calls.expiresAt());
        switch (outcome) {
            case ItemOutcome.Done done -> done.result().ifPresent(result -> attributes.put(RESULT, result));
            case ItemOutcome.Dead dead -> {
                attributes.put(ERROR_TYPE, dead.errorType());
                attributes.put(
                        ERROR_MESSAGE,
                        dead.errorMessage().length() > MAX_ERROR
                                ? dead.errorMessage().substring(0, MAX_ERROR)
                                : dead.errorMessage());
            }
            case ItemOutcome.Skipped skipped -> {}
            case ItemOutcome.Redriven redriven -> {}
        }
        return attributes;
    }

    /** The marks of items {@code [from, to)} of a job, by index; items without a mark are absent. */
    Map<Long, MarkState> read(String jobId, long from, long to) {
        Map<Long, MarkState> marks = new HashMap<>();
        forEach(
                jobId,
                from,
                to,
                item -> marks.put(
                        LedgerKeys.indexOf(item.key()), MarkState.valueOf(item.text(STATE, MarkState.PENDING.name()))));
        return marks;
    }

    /** Every mark of items {@code [from, to)} of a job, in index order, page by page. */
    void forEach(String jobId, long from, long to, java.util.function.Consumer<Item> each) {
        if (to <= from) {
            return;
        }
        Optional<ItemKey> after = Optional.empty();
        do {
            Optional<ItemKey> start = after;
            LedgerTable.Page page = calls.retrying(
                    "reading the marks of job " + jobId,
                    () -> calls.table.query(jobId, LedgerKeys.marks(from, to), true, 1_000, start, true));
            page.items().forEach(each);
            after = page.next();
        } while (after.isPresent());
    }
}
