package dev.loadsplitter.engine.internal.split;

/** One item alone makes a sub-task over the SQS message size limit, so no split can queue it. */
public final class ItemTooLargeException extends SplitException {

    public ItemTooLargeException(String taskType, int itemIndex, int messageBytes, int limitBytes) {
        super(taskType + " item " + itemIndex + " alone makes a " + messageBytes + "-byte sub-task, over the "
                + limitBytes + "-byte message limit (MAX_MESSAGE_BYTES). Shrink that item, or move its data to S3 "
                + "and queue a reference to it.");
    }
}
