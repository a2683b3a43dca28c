package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.internal.ledger.ItemOutcome;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.MarkState;
import dev.loadsplitter.engine.internal.ledger.TaskState;
import dev.loadsplitter.engine.message.Lineage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One claimed task's book in the ledger: which of its items are still open, what became of the
 * others, how far its split got, whether its job stopped.
 */
final class LedgerBook implements TaskRunner.Book {

    private final JobLedger ledger;
    private final JobScope scope;
    private final Lineage lineage;
    private final String owner;
    private final int attempt;
    private final long queuedBefore;
    private final int generation;
    private final Map<Long, MarkState> known = new HashMap<>();
    private long queued;

    LedgerBook(
            JobLedger ledger,
            JobScope scope,
            Lineage lineage,
            String owner,
            int attempt,
            long queuedBefore,
            int generation) {
        this.generation = generation;
        this.ledger = ledger;
        this.scope = scope;
        this.lineage = lineage;
        this.owner = owner;
        this.attempt = attempt;
        this.queuedBefore = queuedBefore;
        this.queued = queuedBefore;
    }

    @Override
    public NavigableSet<Long> open(long first, int count) {
        NavigableSet<Long> open = new TreeSet<>();
        // A first attempt at a task that is not sent again covers items nobody marked yet; anything
        // else reads the marks, so only unfinished items run again.
        if (attempt > 1
                || lineage.isRemainder()
                || lineage.isOfLaterGeneration()
                || lineage.partId().isEmpty()) {
            known.putAll(ledger.marks(lineage.jobId(), first, first + count));
        }
        for (long index = first; index < first + count; index++) {
            MarkState state = known.get(index);
            if (state == null || state == MarkState.PENDING) {
                open.add(index);
            }
        }
        return open;
    }

    @Override
    public void record(List<ItemOutcome> outcomes, boolean finishes) {
        if (outcomes.isEmpty() && !finishes) {
            return;
        }
        ledger.record(
                lineage.jobId(),
                finishes ? Optional.of(new Ledger.Finish(lineage.partId(), TaskState.DONE)) : Optional.empty(),
                owner,
                outcomes,
                known,
                Optional.empty());
        outcomes.forEach(outcome ->
                known.merge(outcome.index(), outcome.state(), (was, now) -> was == MarkState.DONE ? was : now));
        scope.touched(lineage.jobId());
    }

    @Override
    public void queued(long items) {
        if (items > queued) {
            ledger.progress(lineage.jobId(), lineage.partId(), owner, items);
            queued = items;
        }
    }

    @Override
    public long queuedBefore() {
        return queuedBefore;
    }

    @Override
    public int generation() {
        return generation;
    }

    /** The most of the task's items any attempt has queued as parts, as far as this one knows. */
    long queued() {
        return queued;
    }

    /** Remembers that the job was counted into, to be settled before the invocation answers. */
    void touched() {
        scope.touched(lineage.jobId());
    }

    /** Who writes through this book. */
    String owner() {
        return owner;
    }

    /** The marks this book has read or been told. */
    Map<Long, MarkState> known() {
        return known;
    }

    @Override
    public boolean stopped() {
        return scope.fresh(lineage.jobId())
                .flatMap(standing -> standing.stopped())
                .isPresent();
    }
}
