package dev.loadsplitter.engine.internal.jobs;

import dev.loadsplitter.engine.internal.ledger.Closing;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.message.JobRecord;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a job after its items were counted into: closes it once every item is accounted for, and
 * publishes the completion event of each close once. The ledger hands the event to one invocation
 * at a time, under a lease as long as that invocation has left; should the publication fail, the
 * event is given back and the failure thrown, so the invocation fails, its delivery comes back, and
 * the redelivery (or the sweep) settles the job again.
 *
 * <p>{@code PutEvents} takes no idempotency token, so two windows may publish one close twice: its
 * answer lost after it took effect, and the publisher dying between it and recording it. The event
 * carries the job id and its close number, by which consumers drop a duplicate.
 */
public final class JobCompletion {

    private static final Logger log = LoggerFactory.getLogger(JobCompletion.class);

    private final JobLedger ledger;
    private final CompletionEvents events;

    public JobCompletion(JobLedger ledger, CompletionEvents events) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * Closes and announces job {@code jobId} if its items are all accounted for.
     *
     * @param owner who settles, for the event's lease
     * @param lease how long the caller may hold the event: the time its invocation has left
     * @throws RuntimeException when the ledger or the bus failed; the job is settled again later
     */
    public void settle(String jobId, String owner, Duration lease) {
        // After announcing a close, look again: counts that changed meanwhile make the next close now.
        for (int round = 0; round < MAX_CLOSES_AT_ONCE; round++) {
            if (!(ledger.close(jobId, owner, lease) instanceof Closing.Publish publish)) {
                return;
            }
            publish(publish.job(), owner);
        }
    }

    /** Closes one look may announce in a row; any more wait for the next look. */
    private static final int MAX_CLOSES_AT_ONCE = 3;

    /** Publishes an event the caller holds (from a close, or the sweep), and records it. */
    public void publish(JobRecord job, String owner) {
        log.info(
                "job={}: {} ({}), close {}: {} items, {} processed, {} dead-lettered, {} skipped",
                job.jobId(),
                job.status(),
                job.reason().map(Enum::name).orElse("-"),
                job.close(),
                job.items(),
                job.processed(),
                job.deadLettered(),
                job.skipped());
        try {
            events.publish(job);
        } catch (RuntimeException e) {
            try {
                ledger.publicationFailed(job.jobId(), job.close(), owner);
            } catch (RuntimeException alsoFailed) {
                // The lease runs out on its own; the publication's own failure is the one to report.
                log.warn(
                        "job={}: could not give back its completion event after the publication failed; its lease "
                                + "runs out on its own: {}",
                        job.jobId(),
                        alsoFailed.toString());
            }
            throw e;
        }
        ledger.published(job, owner);
    }
}
