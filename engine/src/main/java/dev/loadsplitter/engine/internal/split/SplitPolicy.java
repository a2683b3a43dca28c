package dev.loadsplitter.engine.internal.split;

/**
 * When a task is too large to process in one invocation, and how to cut it.
 *
 * <p>A task of more than {@code maxItemsPerTask} items is large and is split into sub-tasks of at
 * most that many items. The default, 1, is the sample's "more than one tag is large, one tag per
 * sub-task".
 *
 * @param maxItemsPerTask K: the most items a task may hold and still be processed directly
 * @param maxMessageBytes the SQS message size limit a sub-task (body and attributes) must fit in
 * @param maxSplitDepth how many times a task may be split again on its way down; see {@link #HARD_MAX_SPLIT_DEPTH}
 * @param fanOutLimit the most sub-tasks one split makes: a task that would need more is cut into a few
 *                    large sub-tasks, which their consumers split again (see {@link #itemsPerSubTask(long, long, long)})
 */
public record SplitPolicy(int maxItemsPerTask, int maxMessageBytes, int maxSplitDepth, int fanOutLimit) {

    /**
     * SQS's maximum message size, body and attributes together: 1 MiB since August 2025 (it was 256 KiB).
     * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
     */
    public static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;

    /** The smallest message size limit we accept: below it the envelope of most events no longer fits. */
    public static final int MIN_MESSAGE_BYTES = 1_024;

    /**
     * Lambda's recursive loop detection stops a chain of about 16 invocations through SQS for the
     * same originating event, so a split deeper than 15 would be cut off by AWS part-way.
     * https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
     */
    public static final int HARD_MAX_SPLIT_DEPTH = 15;

    public static final int MAX_ITEMS_PER_TASK_LIMIT = 1_000_000;

    /** The default fan-out: one invocation queues 1,000 sub-tasks in well under a second. */
    public static final int DEFAULT_FAN_OUT_LIMIT = 1_000;

    public SplitPolicy {
        if (maxItemsPerTask < 1 || maxItemsPerTask > MAX_ITEMS_PER_TASK_LIMIT) {
            throw new IllegalArgumentException(
                    "maxItemsPerTask must be from 1 to " + MAX_ITEMS_PER_TASK_LIMIT + ", got " + maxItemsPerTask);
        }
        if (maxMessageBytes < MIN_MESSAGE_BYTES || maxMessageBytes > SQS_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes must be from " + MIN_MESSAGE_BYTES + " to "
                    + SQS_MAX_MESSAGE_BYTES + " (the SQS limit), got " + maxMessageBytes);
        }
        if (fanOutLimit < 2 || fanOutLimit > MAX_ITEMS_PER_TASK_LIMIT) {
            throw new IllegalArgumentException(
                    "fanOutLimit must be from 2 to " + MAX_ITEMS_PER_TASK_LIMIT + ", got " + fanOutLimit);
        }
        if (maxSplitDepth < 1 || maxSplitDepth > HARD_MAX_SPLIT_DEPTH) {
            throw new IllegalArgumentException("maxSplitDepth must be from 1 to " + HARD_MAX_SPLIT_DEPTH
                    + " (Lambda stops recursive loops at 16 hops), got " + maxSplitDepth);
        }
    }

    /** The sample's policy: one item per task, 1 MiB messages, depth 8, fan-out 1,000. */
    public static SplitPolicy defaultPolicy() {
        return new SplitPolicy(1, SQS_MAX_MESSAGE_BYTES, 8, DEFAULT_FAN_OUT_LIMIT);
    }

    /** A policy with these limits and the default fan-out. */
    public SplitPolicy(int maxItemsPerTask, int maxMessageBytes, int maxSplitDepth) {
        this(maxItemsPerTask, maxMessageBytes, maxSplitDepth, DEFAULT_FAN_OUT_LIMIT);
    }

    /**
     * Items per sub-task when splitting {@code itemCount} items: K, unless that would make more than
     * {@code fanOutLimit} sub-tasks; then K × fanOutLimit<sup>n</sup> for the smallest n that makes
     * no more than {@code fanOutLimit}. See {@link #itemsPerSubTask(long, long, long)}.
     */
    public int itemsPerSubTask(int itemCount) {
        return (int) Math.min(itemCount, itemsPerSubTask(itemCount, maxItemsPerTask, fanOutLimit));
    }

    /**
     * The one definition of a split's shape, for the engine and for the forecast: parts of {@code k}
     * items when there are at most {@code fanOutLimit} of them; otherwise as few parts as keep the
     * tree at its least depth, each of k × fanOutLimit<sup>n</sup> items, which its consumer splits
     * n more times. 2,000 items at K = 1 and a fan-out of 1,000 are 2 parts of 1,000, each queuing
     * its 1,000 one-item sub-tasks: 3 splits, where 1,000 parts of 2 would take 1,001 at the same
     * depth. Fewer invocations and cold starts for the same number of hops; the wide splits run in
     * parallel, one a part.
     */
    public static long itemsPerSubTask(long itemCount, long k, long fanOutLimit) {
        long perPart = k;
        while ((itemCount + perPart - 1) / perPart > fanOutLimit) {
            if (perPart > Long.MAX_VALUE / fanOutLimit) {
                return itemCount;
            }
            perPart *= fanOutLimit;
        }
        return perPart;
    }

    /**
     * The hops from a task of {@code itemCount} items down to the sub-tasks that process its items:
     * 0 for a small task, 1 when its parts are small, and so on, one more per level of splitting.
     */
    public int levelsBelow(int itemCount) {
        int levels = 0;
        for (int items = itemCount; isLarge(items); items = itemsPerSubTask(items)) {
            levels++;
        }
        return levels;
    }

    /** True when a task of {@code itemCount} items must be split rather than processed. */
    public boolean isLarge(int itemCount) {
        return itemCount > maxItemsPerTask;
    }
}
