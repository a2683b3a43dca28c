package dev.loadsplitter.engine.message;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The SQS message attributes every sub-task carries. Their names are a contract: the function
 * reads them back when the sub-task arrives, the local runtime and the CLI read them from the
 * queues, and operators see them in the DLQ. This enum is their one home: nothing else spells
 * an attribute's name.
 */
public enum SubTaskAttribute {
    JOB_ID("jobId", "String", subTask -> subTask.lineage().jobId()),
    PART_ID("partId", "String", subTask -> subTask.lineage().partId()),
    PART_COUNT("partCount", "Number", subTask -> Integer.toString(subTask.partCount())),
    SPLIT_DEPTH(
            "splitDepth",
            "Number",
            subTask -> Integer.toString(subTask.lineage().depth())),
    /** Hops through a queue from the original event: what MAX_SPLIT_DEPTH bounds. */
    HOPS("hops", "Number", subTask -> Integer.toString(subTask.lineage().hops())),
    /** The index, in the original event, of the sub-task's first item: items keep their identity. */
    FIRST_ITEM("firstItem", "Number", subTask -> Long.toString(subTask.lineage().firstItem())),
    ITEM_COUNT("itemCount", "Number", subTask -> Integer.toString(subTask.itemCount())),
    TASK_TYPE("taskType", "String", SubTask::taskType),
    /**
     * Only on the rest of a split that ran short of time: {@code <nextPart>/<sliceSize>}, the index of
     * the first part still to send and the items per part the split used.
     */
    CONTINUATION(
            "continuation",
            "String",
            subTask -> subTask.continuation()
                    .map(c -> c.nextPart() + "/" + c.sliceSize())
                    .orElse(""));

    /**
     * The most message attributes SQS takes on one message. A sub-task carries at most nine of ours,
     * so that a parked dead letter can carry {@link #PARKED_FROM} besides them.
     * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
     */
    public static final int SQS_MAX_ATTRIBUTES = 10;

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

    /** This attribute's value for {@code subTask}; empty when the sub-task does not carry it (SQS takes no empty values). */
    public String valueOf(SubTask subTask) {
        return value.apply(subTask);
    }

    /**
     * Bytes the attributes add to the message size: SQS counts each attribute's name, data type and value.
     * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
     */
    public static int totalBytes(SubTask subTask) {
        int total = 0;
        for (SubTaskAttribute attribute : values()) {
            String value = attribute.valueOf(subTask);
            if (!value.isEmpty()) {
                total += utf8Length(attribute.attributeName) + utf8Length(attribute.dataType) + utf8Length(value);
            }
        }
        return total;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The attribute a parked dead letter carries besides the sub-task's own: the id of the message it
     * was in the dead-letter queue, so tools can tell which DLQ message it stands for.
     */
    public static final String PARKED_FROM = "deadLetteredMessageId";

    /** The SQS data type of the attribute called {@code name}: ours as declared, anything else {@code String}. */
    public static String dataTypeOf(String name) {
        for (SubTaskAttribute attribute : values()) {
            if (attribute.attributeName.equals(name)) {
                return attribute.dataType;
            }
        }
        return "String";
    }

    /** This attribute's value among {@code attributes} (string values by name), when present and not blank. */
    public Optional<String> in(Map<String, String> attributes) {
        return Optional.ofNullable(attributes.get(attributeName)).filter(value -> !value.isBlank());
    }

    /** This attribute's value as a whole number, or {@code fallback} when absent or not a number. */
    public int intIn(Map<String, String> attributes, int fallback) {
        return in(attributes)
                .map(value -> {
                    try {
                        return Integer.parseInt(value.trim());
                    } catch (NumberFormatException e) {
                        return fallback;
                    }
                })
                .orElse(fallback);
    }

    /**
     * What a received message's attributes say about where it sits in its job.
     *
     * @param attributes the message's string attributes by name
     */
    public static ReceivedLineage lineageOf(Map<String, String> attributes) {
        Optional<String> depthText = SPLIT_DEPTH.in(attributes);
        int depth = 0;
        if (depthText.isPresent()) {
            try {
                depth = Integer.parseInt(depthText.get().trim());
            } catch (NumberFormatException e) {
                depth = -1;
            }
            if (depth < 0) {
                return new ReceivedLineage.Malformed(
                        SPLIT_DEPTH.attributeName, depthText.get(), "a whole number of 0 or more");
            }
        }
        Optional<String> jobId = JOB_ID.in(attributes);
        Optional<String> partId = PART_ID.in(attributes);
        if (jobId.isEmpty() || partId.isEmpty()) {
            return new ReceivedLineage.Absent(depth);
        }
        int lineageDepth = depthText.isPresent() ? depth : 1;
        Optional<String> firstText = FIRST_ITEM.in(attributes);
        long firstItem = firstText.map(SubTaskAttribute::wholeNumber).orElse(-1L);
        if (firstItem < 0) {
            return new ReceivedLineage.Malformed(
                    FIRST_ITEM.attributeName,
                    firstText.orElse(""),
                    "the index of the sub-task's first item, 0 or more (a sub-task without it was sent by a "
                            + "version of Load Splitter before item identities; run its original event again)");
        }
        Optional<String> hopsText = HOPS.in(attributes);
        long hops = hopsText.map(SubTaskAttribute::wholeNumber).orElse((long) lineageDepth);
        if (hops < lineageDepth || hops > Integer.MAX_VALUE) {
            return new ReceivedLineage.Malformed(
                    HOPS.attributeName, hopsText.orElse(""), "a whole number no smaller than splitDepth");
        }
        Lineage lineage = new Lineage(jobId.get(), partId.get(), lineageDepth, (int) hops, firstItem);
        Optional<String> continuation = CONTINUATION.in(attributes);
        if (continuation.isPresent()) {
            String text = continuation.get().trim();
            int slash = text.indexOf('/');
            long next = slash < 0 ? -1 : wholeNumber(text.substring(0, slash));
            long slice = slash < 0 ? -1 : wholeNumber(text.substring(slash + 1));
            if (next < 1
                    || slice < 1
                    || next > Integer.MAX_VALUE
                    || slice > Integer.MAX_VALUE
                    || !lineage.isContinuation()) {
                return new ReceivedLineage.Malformed(
                        CONTINUATION.attributeName,
                        continuation.get(),
                        "<nextPart>/<sliceSize>, two whole numbers of 1 or more, on a partId of the form "
                                + "<part>~<index>");
            }
            return new ReceivedLineage.Known(lineage, Optional.of(new SubTask.Continuation((int) next, (int) slice)));
        }
        return new ReceivedLineage.Known(lineage, Optional.empty());
    }

    private static long wholeNumber(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The task id ({@code jobId/partId}) the attributes name, or {@code fallback} when they name none. */
    public static String taskIdOr(Map<String, String> attributes, String fallback) {
        return lineageOf(attributes) instanceof ReceivedLineage.Known known
                ? known.lineage().taskId().map(TaskId::toString).orElse(fallback)
                : fallback;
    }

    /** The lineage a received message carries, read by {@link #lineageOf}. */
    public sealed interface ReceivedLineage {

        /**
         * A sub-task of a job: it has a task id, so a second delivery of it can be recognised.
         *
         * @param continuation set when it is the rest of a split that ran short of time
         */
        record Known(Lineage lineage, Optional<SubTask.Continuation> continuation) implements ReceivedLineage {}

        /**
         * No lineage: a task someone else put on the queue, which becomes the root of a job of its own.
         *
         * @param depth the {@code splitDepth} it carries, 0 when none
         */
        record Absent(int depth) implements ReceivedLineage {}

        /** An attribute is present but unreadable; the message can never be placed in its job. */
        record Malformed(String attribute, String value, String expected) implements ReceivedLineage {

            /** For example "messageAttributes.splitDepth is 'x', expected a whole number of 0 or more". */
            public String describe() {
                return "messageAttributes." + attribute + " is '" + value + "', expected " + expected;
            }
        }
    }
}
