package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The event a job publishes once, when its last item is processed or dead-lettered: on the bus
 * {@code EVENT_BUS_NAME}, with source {@value #SOURCE}, detail-type {@value #DETAIL_TYPE}, and the
 * {@link JobRecord} as its detail ({@link #detail}). An EventBridge rule matches it with
 * {@code {"source":["load-splitter"],"detail-type":["Job Completed"]}}.
 *
 * <p>The detail is the record's fixed set of fields and counts (results, errors, skipped) and a
 * line saying how to read the results, never the results themselves, so it stays far below
 * EventBridge's 256 KB per entry whatever the job's size
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html).
 */
public final class JobCompletedEvent {

    /** The event's {@code source}. */
    public static final String SOURCE = "load-splitter";
    /** The event's {@code detail-type}. */
    public static final String DETAIL_TYPE = "Job Completed";

    private JobCompletedEvent() {}

    /** The event's detail: the record as it closed, and where its per-item results are read. */
    public static ObjectNode detail(JobRecord job) {
        ObjectNode detail = job.toJson();
        detail.put(
                "readResults",
                "load-splitter jobs results " + job.jobId()
                        + " (add --records-table <the function's IDEMPOTENCY_TABLE> on AWS): one JSON line per item, "
                        + "in item order: {\"index\":…,\"result\":…}, {\"index\":…,\"error\":{…}} or "
                        + "{\"index\":…,\"skipped\":true}");
        return detail;
    }
}
