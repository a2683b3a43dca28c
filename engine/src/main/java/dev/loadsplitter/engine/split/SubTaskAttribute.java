package dev.loadsplitter.engine.split;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The SQS message attributes every sub-task carries. Their names are a contract: the function
 * reads them back when the sub-task arrives, and operators see them in the DLQ.
 */
public enum SubTaskAttribute {
    JOB_ID("jobId", "String", subTask -> subTask.lineage().jobId()),
    PART_ID("partId", "String", subTask -> subTask.lineage().partId()),
    PART_INDEX("partIndex", "Number", subTask -> Integer.toString(subTask.partIndex())),
    PART_COUNT("partCount", "Number", subTask -> Integer.toString(subTask.partCount())),
    SPLIT_DEPTH("splitDepth", "Number", subTask -> Integer.toString(subTask.lineage().depth())),
    ITEM_COUNT("itemCount", "Number", subTask -> Integer.toString(subTask.itemCount())),
    TASK_TYPE("taskType", "String", SubTask::taskType);

    private final String attributeName;
    private final String dataType;
    private final Function<SubTask, String> value;

    SubTaskAttribute(String attributeName, String dataType, Function<SubTask, String> value) {
        this.attributeName = attributeName;
        this.dataType = dataType;
        this.value = value;
    }

    /** The attribute's name on the SQS message. */
    public String attributeName() {
        return attributeName;
    }

    /** The SQS data type: {@code String} or {@code Number}. */
    public String dataType() {
        return dataType;
    }

    /** This attribute's value for {@code subTask}. */
    public String valueOf(SubTask subTask) {
        return value.apply(subTask);
    }

    /**
     * Bytes the attributes add to the message size: SQS counts each attribute's name, data type and value.
     * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
     */
    static int totalBytes(SubTask subTask) {
        int total = 0;
        for (SubTaskAttribute attribute : values()) {
            total += utf8Length(attribute.attributeName) + utf8Length(attribute.dataType)
                    + utf8Length(attribute.valueOf(subTask));
        }
        return total;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
