package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.jobs.Jobs;
import dev.loadsplitter.engine.message.ItemResult;
import dev.loadsplitter.engine.message.JobCompletedEvent;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.aws.EventBridgeBus;
import dev.loadsplitter.local.report.RunRecorder;
import dev.loadsplitter.local.report.RunSummary;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A run's job as the function's ledger keeps it, the completion events it published, and how it
 * compares with what the runtime saw from outside: the ledger decides the verdict, the runtime's
 * view cross-checks it.
 *
 * @param jobId the job's id, derived from the event as the function derives it
 * @param record the job record, when the function kept one
 * @param events the details of the "Job Completed" events published for the job, in order
 * @param check the ledger against the runtime's view, when there is a record
 */
record JobView(String jobId, Optional<JobRecord> record, List<JsonNode> events, Optional<Check> check) {

    JobView {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(record, "record");
        events = List.copyOf(events);
        Objects.requireNonNull(check, "check");
    }

    /**
     * The ledger's items against the runtime's.
     *
     * @param doneMarks items the ledger marks DONE
     * @param doneMarksSeen of those, the items the runtime saw done
     * @param fromWorkLines whether the runtime's view is the work's own log lines, rather than the answers
     */
    record Check(long doneMarks, long doneMarksSeen, boolean fromWorkLines) {}

    static JobView of(LocalEnvironment environment, String jobId, RunRecorder.ItemsSeen seen) {
        List<JsonNode> events = environment.aws().eventBridge().events().stream()
                .filter(event -> event.detailType().equals(JobCompletedEvent.DETAIL_TYPE)
                        && event.source().equals(JobCompletedEvent.SOURCE))
                .map(EventBridgeBus.PutEvent::detail)
                .filter(detail -> jobId.equals(detail.path("jobId").asText()))
                .toList();
        Jobs jobs = environment.jobs();
        Optional<JobRecord> record = jobs.show(jobId);
        Optional<Check> check = record.map(job -> {
            long[] done = {0};
            long[] doneSeen = {0};
            jobs.results(jobId, result -> {
                if (result instanceof ItemResult.Done) {
                    done[0]++;
                    doneSeen[0] += seen.contains().test(result.index()) ? 1 : 0;
                }
            });
            return new Check(done[0], doneSeen[0], seen.fromWorkLines());
        });
        return new JobView(jobId, record, events, check);
    }

    /** How many "Job Completed" events the job published: one per close, a duplicate only when an answer was lost. */
    long completedEvents() {
        return events.size();
    }

    /** Whether the job closed and the event of its last close is on the bus. */
    boolean closedAndPublished() {
        return record.filter(job -> job.status().isClosed())
                .map(job ->
                        events.stream().anyMatch(event -> event.path("close").asInt() >= job.close()))
                .orElse(false);
    }

    /** The items of the invoked task: the job's count when the function read the event, else what the runs' answers said. */
    long items(RunSummary summary) {
        return record.map(JobRecord::items).filter(items -> items > 0).orElse(summary.items());
    }

    /** Items the function counted as neither processed, dead-lettered nor skipped. */
    long notStarted() {
        return record.map(JobRecord::outstanding).orElse(0L);
    }

    /**
     * The independent check: every item the ledger counts processed has a DONE mark, and the runtime
     * saw each of them done. Without a record, the runtime's own count must add up.
     */
    boolean reconciled(RunSummary summary) {
        if (record.isEmpty() || check.isEmpty()) {
            return summary.itemsProcessed() + summary.itemsDeadLettered() == items(summary);
        }
        JobRecord job = record.get();
        Check marks = check.get();
        return marks.doneMarks() == job.processed() && marks.doneMarksSeen() == job.processed() && eventsAgree();
    }

    /** Every event announcing the record's last close carries the record's status and counts. */
    boolean eventsAgree() {
        return record.map(job -> events.stream()
                        .filter(event -> event.path("close").asInt() == job.close())
                        .allMatch(event -> event.path("status")
                                        .asText()
                                        .equals(job.status().name())
                                && event.path("items").asLong() == job.items()
                                && event.path("processed").asLong() == job.processed()
                                && event.path("deadLettered").asLong() == job.deadLettered()
                                && event.path("skipped").asLong() == job.skipped()))
                .orElse(true);
    }

    /** The job's status, or {@code NONE} when the function kept no record (IDEMPOTENCY=off, or memory in another JVM). */
    String status() {
        return record.map(job -> job.status().name()).orElse("NONE");
    }

    /** {@code run --json}'s {@code job}: the record as {@code jobs show --json} prints it, and the events counted. */
    Optional<ObjectNode> toJson() {
        return record.map(job -> {
            ObjectNode node = job.toJson();
            node.put("completedEvents", completedEvents());
            node.put("eventsAgree", eventsAgree());
            check.ifPresent(marks -> node.putObject("check")
                    .put("doneMarks", marks.doneMarks())
                    .put("doneMarksSeenByTheRuntime", marks.doneMarksSeen())
                    .put("seenFrom", marks.fromWorkLines() ? "work log lines" : "invocation answers"));
            return node;
        });
    }
}
