package dev.loadsplitter.engine.internal.ledger;

import dev.loadsplitter.engine.message.JobRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger of {@code IDEMPOTENCY=memory}: jobs started in this container (locally: this run) are
 * counted in memory; a sub-task of a job started elsewhere (another Lambda container, or before a
 * restart) is processed as with {@code IDEMPOTENCY=off}, uncounted, and said so once per job, since
 * this container can never learn that job's size. Only {@code IDEMPOTENCY=dynamodb} counts jobs
 * across containers.
 */
public final class ContainerLedger implements JobLedger {

    private static final Logger log = LoggerFactory.getLogger(ContainerLedger.class);

    private final JobLedger ledger;
    private final JobLedger none = JobLedger.none();
    private final Set<String> foreign = ConcurrentHashMap.newKeySet();

    public ContainerLedger(JobLedger ledger) {
        this.ledger = ledger;
    }

    private JobLedger of(String jobId) {
        if (foreign.contains(jobId)) {
            return none;
        }
        if (ledger.standing(jobId).isPresent()) {
            return ledger;
        }
        if (foreign.add(jobId)) {
            log.warn(
                    "job={}: started in another container, so its sub-tasks here are processed uncounted "
                            + "(IDEMPOTENCY=memory keeps a job in the container that started it; set "
                            + "IDEMPOTENCY=dynamodb to count jobs across containers).",
                    jobId);
        }
        return none;
    }

    @Override
    public void warmUp() {
        ledger.warmUp();
    }

    @Override
    public void startJob(String jobId, String taskType, long items) {
        ledger.startJob(jobId, taskType, items);
    }

    @Override
    public Optional<Standing> standing(String jobId) {
        return of(jobId).standing(jobId);
    }

    @Override
    public Claim claim(String jobId, String partId, String owner, Duration lease, boolean redrive) {
        return of(jobId).claim(jobId, partId, owner, lease, redrive);
    }

    @Override
    public void progress(String jobId, String partId, String owner, long queued) {
        of(jobId).progress(jobId, partId, owner, queued);
    }

    @Override
    public void finishTask(String jobId, String partId, TaskState state) {
        of(jobId).finishTask(jobId, partId, state);
    }

    @Override
    public boolean release(String jobId, String partId, String owner, String error) {
        return of(jobId).release(jobId, partId, owner, error);
    }

    @Override
    public Map<Long, MarkState> marks(String jobId, long from, long to) {
        return of(jobId).marks(jobId, from, to);
    }

    @Override
    public long redrive(String jobId, long from, long to) {
        return of(jobId).redrive(jobId, from, to);
    }

    @Override
    public void record(
            String jobId,
            Optional<Ledger.Finish> finish,
            String owner,
            List<ItemOutcome> outcomes,
            Map<Long, MarkState> known,
            Optional<String> held) {
        of(jobId).record(jobId, finish, owner, outcomes, known, held);
    }

    @Override
    public Closing close(String jobId, String owner, Duration lease) {
        return of(jobId).close(jobId, owner, lease);
    }

    @Override
    public void published(JobRecord job, String owner) {
        of(job.jobId()).published(job, owner);
    }

    @Override
    public void publicationFailed(String jobId, int close, String owner) {
        of(jobId).publicationFailed(jobId, close, owner);
    }

    @Override
    public List<Closing.Publish> sweep(String owner, Duration lease) {
        return ledger.sweep(owner, lease);
    }
}
