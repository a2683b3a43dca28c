package dev.loadsplitter.local.report;

/**
 * The figures of one run, as {@code run} prints them and {@code run --json} writes them.
 *
 * @param invocations invocations made, retries and failures included (N+1 for N tags, batch size 1)
 * @param subTasks distinct sub-task messages delivered from the queue
 * @param itemsProcessed items processed by successful invocations
 * @param failed failed deliveries: direct invocations that errored, and SQS records that failed
 * @param deadLettered messages in the dead-letter queue at the end
 * @param coldStarts containers created
 * @param peakConcurrency the most invocations running at once
 * @param elapsedMs wall time from the first invocation's start to the last one's end
 * @param serialEstimateMs the measured handler time of the invocations that processed items, as if one after
 *                         the other: the time one invocation would take alone
 * @param speedup serial estimate ÷ elapsed
 * @param items items of the tasks invoked directly, each distinct task counted once
 * @param itemsDeadLettered items of sub-tasks in the DLQ that were never processed
 * @param duplicatesSuppressed successful deliveries of a sub-task that had been processed already
 * @param rejectedEvents direct events the function answered as invalid (400)
 * @param initErrors invocations that failed because the function could not be initialised
 */
public record RunSummary(
        int invocations,
        int subTasks,
        long itemsProcessed,
        long failed,
        int deadLettered,
        int coldStarts,
        int peakConcurrency,
        long elapsedMs,
        long serialEstimateMs,
        double speedup,
        long items,
        long itemsDeadLettered,
        long duplicatesSuppressed,
        long rejectedEvents,
        long initErrors) {

    /** Every item was processed or dead-lettered, exactly once: {@code itemsProcessed + itemsDeadLettered == items}. */
    public boolean reconciled() {
        return itemsProcessed + itemsDeadLettered == items;
    }

    /**
     * A sub-task in the dead-letter queue, by its message attributes.
     *
     * @param part its task id ({@code jobId/partId}), or its message id when it carries no lineage
     * @param firstItem the index in the event of the first of its items that none of its splits queued (they are
     *     the tail of its range); -1 when it carries no lineage
     * @param itemCount those items
     */
    public record DeadLetter(String part, long firstItem, int itemCount) {}
}
