package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.ledger.Claim;
import dev.loadsplitter.engine.internal.ledger.ItemOutcome;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.MarkState;
import dev.loadsplitter.engine.internal.ledger.Standing;
import dev.loadsplitter.engine.internal.ledger.TaskState;
import dev.loadsplitter.engine.internal.split.SplitException;
import dev.loadsplitter.engine.message.CloseReason;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one delivery of a task under the ledger: claims the task, starts no work when its job has
 * stopped (its open items are skipped instead), lets the runner mark each item as it finishes, and
 * on failure either gives the claim back for the next delivery or, on the last attempt or when the
 * task can never succeed, dead-letters its open items. Whatever it counted into, it leaves to the
 * invocation to settle before it answers.
 */
final class LedgeredTask<T> {

    private static final Logger log = LoggerFactory.getLogger(LedgeredTask.class);

    private final JobLedger ledger;
    private final TaskRunner<T> runner;
    private final Clock clock;
    private final int maxItemsPerTask;

    LedgeredTask(EngineParts<T> parts, TaskRunner<T> runner) {
        this.ledger = parts.ledger();
        this.runner = Objects.requireNonNull(runner, "runner");
        this.clock = parts.clock();
        this.maxItemsPerTask = parts.splitter().policy().maxItemsPerTask();
    }

    /**
     * One delivery of a task.
     *
     * @param owner names this delivery in the ledger: the request id, and the message id for a record
     * @param sourceId the message id or request id, for the task type's context
     * @param lastAttempt whether a failure of attempt {@code n} is the task's last (SQS's receive count,
     *     or Lambda's attempts at an asynchronous invocation)
     * @param redrive whether the delivery is a redrive of the task once dead-lettered
     * @param deadLetterQueueFinishesSplits whether a split that fails its last attempt goes on to a
     *     dead-letter queue whose consumer, this function, finishes queuing its parts: its items are then
     *     not counted as dead-lettered, since an attempt may have queued parts it did not live to record
     */
    record Delivery(
            String owner,
            String sourceId,
            IntPredicate lastAttempt,
            Invocation invocation,
            JobScope scope,
            boolean redrive,
            boolean deadLetterQueueFinishesSplits) {}

    /** What the delivery came to, when it did not fail. */
    sealed interface Ran {

        /** The task ran: processed, or split and queued. */
        record Worked(TaskRunner.Result result) implements Ran {}

        /** A duplicate of a task finished at {@code at}: nothing ran. */
        record Duplicate(Instant at) implements Ran {}

        /** Its job was stopped: its open items were skipped, and nothing ran. */
        record Skipped(CloseReason why, long items) implements Ran {}
    }

    /**
     * The delivery failed; {@code deadLettered} says whether its open items were counted as
     * dead-lettered, {@code permanent} whether the task can never succeed as it is.
     */
    static final class Failed extends Exception {

        private final int attempt;
        private final boolean deadLettered;
        private final boolean permanent;
        private final Exception failure;

        Failed(int attempt, boolean deadLettered, boolean permanent, Exception failure) {
            super(failure.getMessage(), failure, false, false);
            this.attempt = attempt;
            this.deadLettered = deadLettered;
            this.permanent = permanent;
            this.failure = failure;
        }

        boolean permanent() {
            return permanent;
        }

        int attempt() {
            return attempt;
        }

        boolean deadLettered() {
            return deadLettered;
        }

        /** What failed the work, with its stack trace and causes. */
        Exception failure() {
            return failure;
        }
    }

    /**
     * @throws TaskBusyException while another invocation holds the task; nothing was counted
     * @throws Failed when the work failed (its items were dead-lettered on the last attempt, or when
     *     the task can never succeed)
     */
    Ran run(T task, int items, Lineage lineage, Optional<SubTask.Continuation> continuation, Delivery delivery)
            throws TaskBusyException, Failed {
        boolean splits = continuation.isPresent() || items > maxItemsPerTask;
        Claim claim = ledger.claim(
                lineage.jobId(),
                lineage.partId(),
                delivery.owner(),
                delivery.invocation().remainingTime(),
                delivery.redrive());
        switch (claim) {
            case Claim.Finished finished -> {
                delivery.scope().touched(lineage.jobId());
                return new Ran.Duplicate(finished.at());
            }
            case Claim.DeadLettered dead -> {
                if (sameMessage(dead.by(), delivery.owner())) {
                    // This very message dead-lettered it (a repeated or late delivery of it): it must reach the
                    // dead-letter queue, where it is parked for redrive, so it is not acknowledged here.
                    throw new TaskBusyException("sub-task " + lineage.jobId() + "/" + lineage.partId()
                            + " was dead-lettered by this message's last receive; it goes on to the dead-letter queue");
                }
                // Another message of the same sub-task carried its dead letter: this one is a duplicate.
                delivery.scope().touched(lineage.jobId());
                return new Ran.Duplicate(delivery.invocation().startedAt());
            }
            case Claim.Held held ->
                throw new TaskBusyException("sub-task " + lineage.jobId() + "/" + lineage.partId()
                        + " is held by another invocation until " + held.leaseEnds()
                        + "; it comes back after the visibility timeout");
            case Claim.Claimed claimed -> {
                return runClaimed(task, items, splits, lineage, continuation, delivery, claimed);
            }
        }
    }

    private Ran runClaimed(
            T task,
            int items,
            boolean splits,
            Lineage lineage,
            Optional<SubTask.Continuation> continuation,
            Delivery delivery,
            Claim.Claimed claimed)
            throws Failed {
        LedgerBook book = new LedgerBook(
                ledger,
                delivery.scope(),
                lineage,
                delivery.owner(),
                claimed.attempt(),
                claimed.queued(),
                claimed.generation());
        Standing standing;
        try {
            if (claimed.redriven()) {
                // A redrive, by our dlq command or any other: the items it dead-lettered are open again, and
                // a closed job reopens, so it closes again once they end.
                ledger.redrive(lineage.jobId(), lineage.firstItem(), lineage.firstItem() + items);
            }
            standing = delivery.scope().standing(lineage.jobId());
        } catch (RuntimeException e) {
            throw released(lineage, delivery, claimed.attempt(), e);
        }
        Optional<CloseReason> stopped = standing.stopped();
        if (stopped.isPresent()) {
            long skipped = skip(lineage, items, splits, book);
            return new Ran.Skipped(stopped.get(), skipped);
        }
        try {
            TaskRunner.Result result = runner.run(
                    task, lineage, delivery.sourceId(), Deadline.of(delivery.invocation(), clock), continuation, book);
            if (result.stoppedAt().isPresent()) {
                skipRange(lineage, lineage.firstItem() + result.stoppedAt().get(), lineage.firstItem() + items, book);
                ledger.finishTask(lineage.jobId(), lineage.partId(), TaskState.DONE);
            } else if (result.split() || result.shortOfTime()) {
                ledger.finishTask(lineage.jobId(), lineage.partId(), TaskState.DONE);
            }
            return new Ran.Worked(result);
        } catch (Exception e) {
            boolean permanent = e instanceof SplitException
                    || e instanceof TaskTypeException
                    || e instanceof dev.loadsplitter.engine.internal.ledger.UnknownJobException;
            boolean last = delivery.lastAttempt().test(claimed.attempt())
                    && !(splits && delivery.deadLetterQueueFinishesSplits());
            if (permanent || last) {
                try {
                    deadLetter(lineage, items, splits, book, e);
                } catch (RuntimeException bookkeeping) {
                    log.warn(
                            "{}: could not dead-letter its items after its {} attempt failed; the dead-letter "
                                    + "queue's consumer does it: {}",
                            lineage.describe(),
                            permanent ? "only possible" : "last",
                            bookkeeping.toString());
                    throw new Failed(claimed.attempt(), false, permanent, e);
                }
                throw new Failed(claimed.attempt(), true, permanent, e);
            }
            throw released(lineage, delivery, claimed.attempt(), e);
        }
    }

    /**
     * Counts a task that failed outside the function (a dead-letter-queue record: throttled, crashed,
     * timed out on its last receive), or that can never be read, as dead-lettered: its open items are
     * marked DEAD, unless another invocation still holds it under a live lease.
     *
     * @return false when the task is held elsewhere: the record should come back later
     */
    boolean deadLetter(Lineage lineage, int items, boolean splits, Delivery delivery, Exception reason) {
        Claim claim = ledger.claim(
                lineage.jobId(),
                lineage.partId(),
                delivery.owner(),
                delivery.invocation().remainingTime(),
                false);
        switch (claim) {
            case Claim.Finished finished -> {
                // Nothing to count, but its job may still wait to be closed or announced.
                delivery.scope().touched(lineage.jobId());
                return true;
            }
            case Claim.DeadLettered dead -> {
                delivery.scope().touched(lineage.jobId());
                return true;
            }
            case Claim.Held held -> {
                return false;
            }
            case Claim.Claimed claimed -> {
                LedgerBook book = new LedgerBook(
                        ledger,
                        delivery.scope(),
                        lineage,
                        delivery.owner(),
                        claimed.attempt(),
                        claimed.queued(),
                        claimed.generation());
                deadLetter(lineage, items, splits, book, reason);
                delivery.scope().touched(lineage.jobId());
                return true;
            }
        }
    }

    /** Whether two owners ({@code requestId/messageId}) name the same message. */
    private static boolean sameMessage(String a, String b) {
        int x = a.lastIndexOf('/');
        int y = b.lastIndexOf('/');
        return x >= 0 && y >= 0 && a.substring(x + 1).equals(b.substring(y + 1));
    }

    /** Gives the claim back after a failed attempt, keeping the work's failure as the one reported. */
    private Failed released(Lineage lineage, Delivery delivery, int attempt, Exception failure) {
        try {
            ledger.release(lineage.jobId(), lineage.partId(), delivery.owner(), describe(failure));
        } catch (RuntimeException bookkeeping) {
            log.warn(
                    "{}: could not give back its claim after the attempt failed; it comes back once the lease ends: {}",
                    lineage.describe(),
                    bookkeeping.toString());
        }
        return new Failed(attempt, false, false, failure);
    }

    /** Skips a stopped job's open items of this task: a leaf's own, a split's not yet queued. */
    private long skip(Lineage lineage, int items, boolean splits, LedgerBook book) {
        long from = lineage.firstItem() + (splits ? book.queuedBefore() : 0);
        long skipped = skipRange(lineage, from, lineage.firstItem() + items, book);
        ledger.finishTask(lineage.jobId(), lineage.partId(), TaskState.DONE);
        return skipped;
    }

    private long skipRange(Lineage lineage, long from, long to, LedgerBook book) {
        List<ItemOutcome> skips = new ArrayList<>();
        for (long index = from; index < to; index++) {
            skips.add(new ItemOutcome.Skipped(index));
        }
        ledger.record(
                lineage.jobId(), Optional.empty(), book.owner(), skips, book.known(), Optional.of(lineage.partId()));
        book.touched();
        return skips.size();
    }

    /**
     * Counts the task's open items as dead-lettered: a leaf's items not done (each with its own error
     * when it failed alone), a split's items not queued as parts (those are counted where the parts end).
     */
    private void deadLetter(Lineage lineage, int items, boolean splits, LedgerBook book, Exception failure) {
        long from = lineage.firstItem() + (splits ? book.queued() : 0);
        long to = lineage.firstItem() + items;
        Map<Long, Exception> alone =
                failure instanceof TaskRunner.ItemsFailedException failed ? failed.failures() : Map.of();
        List<ItemOutcome> dead = new ArrayList<>();
        for (long index = from; index < to; index++) {
            MarkState state = book.known().get(index);
            if (state != null && state != MarkState.PENDING) {
                continue;
            }
            Exception error = alone.getOrDefault(index, failure);
            dead.add(new ItemOutcome.Dead(index, error.getClass().getName(), String.valueOf(error.getMessage())));
        }
        ledger.record(
                lineage.jobId(),
                Optional.of(new Ledger.Finish(lineage.partId(), TaskState.DEAD)),
                book.owner(),
                dead,
                book.known(),
                Optional.of(lineage.partId()));
        book.touched();
    }

    private static String describe(Exception failure) {
        return failure.getClass().getName() + ": " + failure.getMessage();
    }
}
