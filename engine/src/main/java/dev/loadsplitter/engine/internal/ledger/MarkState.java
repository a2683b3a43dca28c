package dev.loadsplitter.engine.internal.ledger;

/** What the ledger knows of one item. An item without a mark is open: not done yet, or in flight. */
public enum MarkState {
    /** Its work completed; final. Counted as processed. */
    DONE,
    /** Dead-lettered after its retries; may be redriven. Counted as dead-lettered. */
    DEAD,
    /** Skipped: its job stopped or timed out before it started. Counted as skipped. */
    SKIPPED,
    /** Dead-lettered, then redriven: open again until its new attempt ends. Not counted. */
    PENDING;

    /** The count an item in this state adds to, or null for one that counts nowhere. */
    public String counter() {
        return switch (this) {
            case DONE -> LedgerKeys.PROCESSED;
            case DEAD -> LedgerKeys.DEAD_LETTERED;
            case SKIPPED -> LedgerKeys.SKIPPED;
            case PENDING -> null;
        };
    }

    /**
     * Whether an item found in {@code from} (null when it has no mark) may move to {@code to}: work
     * completing beats every other state but DONE itself; a dead letter or a skip only lands on an
     * open item.
     */
    public static boolean moves(MarkState from, MarkState to) {
        return switch (to) {
            case DONE -> from != DONE;
            case DEAD, SKIPPED -> from == null || from == PENDING;
            case PENDING -> from == DEAD;
        };
    }
}
