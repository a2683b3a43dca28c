package dev.loadsplitter.engine.internal.ledger;

/** Where one sub-task's claim stands. */
public enum TaskState {
    /** An invocation works on it until its lease ends. */
    IN_PROGRESS,
    /** Every item it covers is marked, or (a split) every part of it is queued; a delivery now is a duplicate. */
    DONE,
    /** An attempt failed; the next delivery may claim it at once. */
    FAILED,
    /** Dead-lettered: its open items are marked DEAD; a redrive may claim it again. */
    DEAD
}
