package dev.loadsplitter.engine.internal.ledger;

import java.time.Instant;

/** The outcome of claiming a sub-task. */
public sealed interface Claim {

    /**
     * Go ahead: the caller holds the sub-task until its lease ends.
     *
     * @param attempt which attempt at the sub-task this is, 1 for the first
     * @param queued for a split, how many of its items this generation's attempts queued as parts (counted where
     *     those end)
     * @param redriven whether it had been dead-lettered: this delivery is a redrive
     * @param generation how many times it was redriven: a split names its parts after it, so a redriven split's
     *     parts are new sub-tasks that do its open items, whatever became of the parts before
     */
    record Claimed(int attempt, long queued, boolean redriven, int generation) implements Claim {

        /** A claim of a task never dead-lettered. */
        public Claimed(int attempt, long queued) {
            this(attempt, queued, false, 0);
        }
    }

    /**
     * The sub-task was dead-lettered, and this delivery is no redrive: a late or repeated delivery. Nothing
     * was taken.
     *
     * @param by who dead-lettered it: the request id and, for a record, the message id ({@code req/msg})
     */
    record DeadLettered(String by) implements Claim {}

    /** A duplicate: the sub-task was finished already, at {@code at}. */
    record Finished(Instant at) implements Claim {}

    /** Another invocation holds it until {@code leaseEnds}; try again after that. */
    record Held(Instant leaseEnds) implements Claim {}
}
