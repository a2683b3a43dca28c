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
 * @param serialEstimateMs items processed × processing delay: the time one invocation would take alone
 * @param speedup serial estimate ÷ elapsed
 */
public record RunSummary(int invocations, int subTasks, long itemsProcessed, long failed, int deadLettered,
                         int coldStarts, int peakConcurrency, long elapsedMs, long serialEstimateMs, double speedup) {
}
