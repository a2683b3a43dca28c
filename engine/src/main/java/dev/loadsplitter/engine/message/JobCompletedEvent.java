package dev.loadsplitter.engine.message;

/**
 * The event a job publishes once, when its last item is processed or dead-lettered: on the bus
 * {@code EVENT_BUS_NAME}, with source {@value #SOURCE}, detail-type {@value #DETAIL_TYPE}, and the
 * {@link JobRecord} as its detail. An EventBridge rule matches it with
 * {@code {"source":["load-splitter"],"detail-type":["Job Completed"]}}.
 */
public final class JobCompletedEvent {

    /** The event's {@code source}. */
    public static final String SOURCE = "load-splitter";
    /** The event's {@code detail-type}. */
    public static final String DETAIL_TYPE = "Job Completed";

    private JobCompletedEvent() {}
}
