package dev.loadsplitter.engine.internal.jobs;

import dev.loadsplitter.engine.message.JobCompletedEvent;
import dev.loadsplitter.engine.message.JobRecord;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Publishes a job's completion event to an EventBridge bus with {@code PutEvents}: source
 * {@value JobCompletedEvent#SOURCE}, detail-type {@value JobCompletedEvent#DETAIL_TYPE}, and the job
 * record as the detail.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
public final class EventBridgeCompletionEvents implements CompletionEvents {

    private final Supplier<EventBridgeClient> client;
    private final String busName;

    /** @param client built on the first completion: most invocations never publish one */
    public EventBridgeCompletionEvents(Supplier<EventBridgeClient> client, String busName) {
        this.client = Objects.requireNonNull(client, "client");
        this.busName = Objects.requireNonNull(busName, "busName");
    }

    @Override
    public void publish(JobRecord job) {
        PutEventsResponse response = client.get()
                .putEvents(request -> request.entries(entry -> entry.eventBusName(busName)
                        .source(JobCompletedEvent.SOURCE)
                        .detailType(JobCompletedEvent.DETAIL_TYPE)
                        .detail(JobCompletedEvent.detail(job).toString())));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            var entry = response.entries().getFirst();
            throw new IllegalStateException("EventBridge refused the completion event of job " + job.jobId()
                    + " on bus " + busName + ": " + entry.errorCode() + " " + entry.errorMessage());
        }
    }
}
