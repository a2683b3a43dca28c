package dev.loadsplitter.engine.internal.jobs;

import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a job once all its items are accounted for, and publishes its completion event exactly
 * once: only the invocation whose conditional close succeeds publishes, holding the event under a
 * short lease. Should the publication fail, the event is given back, and the next delivery of any
 * of the job's sub-tasks claims it and tries again; a lease left by a crash runs out the same way.
 */
public final class JobCompletion {

    private static final Logger log = LoggerFactory.getLogger(JobCompletion.class);

    private final ProcessingRecords records;
    private final CompletionEvents events;
    private final Clock clock;

    /** How long an invocation holds the completion event it is publishing. */
    private static final Duration LEASE = Duration.ofMinutes(1);

    public JobCompletion(ProcessingRecords records, CompletionEvents events, Clock clock) {
        this.records = Objects.requireNonNull(records, "records");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** After counting into a job: closes and announces it when this count was its last. */
    public void afterCount(Optional<JobRecord> counted) {
        counted.filter(job -> job.allAccountedFor() && job.status() == JobStatus.IN_PROGRESS)
                .ifPresent(job -> {
                    JobStatus status = JobStatus.closedWith(job.processed(), job.deadLettered());
                    if (records.closeJob(job.jobId(), status, clock.instant(), LEASE)) {
                        log.info(
                                "job={}: {}: {} items, {} processed, {} dead-lettered, {} sub-tasks queued",
                                job.jobId(),
                                status,
                                job.items(),
                                job.processed(),
                                job.deadLettered(),
                                job.subTasksQueued());
                        publish(job.jobId());
                    }
                });
    }

    /** On a duplicate delivery: publishes a completion event that its closing invocation could not. */
    public void retryPending(String jobId) {
        if (records.claimCompletion(jobId, clock.instant(), LEASE)) {
            publish(jobId);
        }
    }

    private void publish(String jobId) {
        JobRecord closed = records.job(jobId).orElseThrow();
        try {
            events.publish(closed);
        } catch (RuntimeException e) {
            records.completionFailed(jobId, clock.instant());
            throw e;
        }
        records.completionPublished(jobId, clock.instant());
    }
}
