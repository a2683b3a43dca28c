package dev.loadsplitter.engine.internal.ledger;

import dev.loadsplitter.engine.message.CloseReason;
import java.util.Optional;

/**
 * A job's counts as its counter shards hold them, summed: what the ledger knows of it without
 * touching the job's header, which every sub-task would otherwise read.
 *
 * @param items the job's items
 * @param processed items marked DONE
 * @param deadLettered items marked DEAD
 * @param skipped items marked SKIPPED
 * @param results DONE items with a result
 * @param failedAttempts failed attempts at its sub-tasks
 * @param tolerated the most failures the job tolerates; -1 for no limit
 * @param stop why the job was stopped by hand, when it was
 */
public record Standing(
        long items,
        long processed,
        long deadLettered,
        long skipped,
        long results,
        long failedAttempts,
        long tolerated,
        Optional<CloseReason> stop) {

    /** The counts of a job the ledger has none for. */
    static Standing none() {
        return new Standing(0, 0, 0, 0, 0, 0, -1, Optional.empty());
    }

    /** Items processed, dead-lettered or skipped. */
    public long accounted() {
        return processed + deadLettered + skipped;
    }

    /** Whether every item is accounted for, so the job can close. */
    public boolean complete() {
        return items > 0 && accounted() >= items;
    }

    /**
     * Why no new work may start: the job was cancelled, or more items failed than it tolerates
     * (strictly more, as Step Functions' tolerated failure count counts).
     */
    public Optional<CloseReason> stopped() {
        if (stop.isPresent()) {
            return stop;
        }
        return tolerated >= 0 && deadLettered > tolerated
                ? Optional.of(CloseReason.TOLERANCE_EXCEEDED)
                : Optional.empty();
    }

    /** Whether these are the counts a close was made with. */
    boolean sameCounts(long processed, long deadLettered, long skipped) {
        return this.processed == processed && this.deadLettered == deadLettered && this.skipped == skipped;
    }
}
