package dev.loadsplitter.cli;

import dev.loadsplitter.engine.message.JobCompletedEvent;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.aws.EventBridgeBus;
import dev.loadsplitter.local.report.RunSummary;
import java.util.Objects;
import java.util.Optional;

/**
 * A run's job as the function kept it: its record (items counted when the event was first read)
 * and the completion events it published; read back at the end of a run to reconcile what the
 * runtime saw from outside with what the function counted.
 *
 * @param jobId the job's id, derived from the event as the function derives it
 * @param record the job record, when the function kept one
 * @param completedEvents how many "Job Completed" events the job published: one, once it is done
 */
record JobView(String jobId, Optional<JobRecord> record, long completedEvents) {

    JobView {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(record, "record");
    }

    static JobView of(LocalEnvironment environment, String jobId) {
        long events = environment.aws().eventBridge().events().stream()
                .filter(event -> event.detailType().equals(JobCompletedEvent.DETAIL_TYPE)
                        && event.source().equals(JobCompletedEvent.SOURCE))
                .map(EventBridgeBus.PutEvent::detail)
                .filter(detail -> jobId.equals(detail.path("jobId").asText()))
                .count();
        return new JobView(jobId, environment.records().job(jobId), events);
    }

    /** The items of the invoked task: the job's count when the function read the event, else what the runs' answers said. */
    long items(RunSummary summary) {
        return record.map(JobRecord::items).filter(items -> items > 0).orElse(summary.items());
    }

    /** Items the function counted as neither processed nor dead-lettered: never started. */
    long notStarted() {
        return record.map(JobRecord::outstanding).orElse(0L);
    }

    /** {@code items == itemsProcessed + itemsDeadLettered + itemsNotStarted}, the runtime's view against the function's. */
    boolean reconciled(RunSummary summary) {
        return summary.itemsProcessed() + summary.itemsDeadLettered() + notStarted() == items(summary);
    }

    /** The job's status, or {@code NONE} when the function kept no record (IDEMPOTENCY=off, or memory in another JVM). */
    String status() {
        return record.map(job -> job.status().name()).orElse("NONE");
    }
}
