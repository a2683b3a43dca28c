package dev.loadsplitter.engine.internal.ledger;

import dev.loadsplitter.engine.message.JobRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine asks of its ledger while it runs tasks: the {@link Ledger}, or {@link #none()} when
 * the function keeps no records ({@code IDEMPOTENCY=off}).
 */
public interface JobLedger {

    void warmUp();

    void startJob(String jobId, String taskType, long items);

    Optional<Standing> standing(String jobId);

    /**
     * Claims a sub-task.
     *
     * @param redrive whether the delivery is a redrive (of a parked dead letter or a failed event): only a
     *     redrive takes a dead-lettered sub-task, and opens its dead items again
     */
    Claim claim(String jobId, String partId, String owner, Duration lease, boolean redrive);

    void progress(String jobId, String partId, String owner, long queued);

    void finishTask(String jobId, String partId, TaskState state);

    boolean release(String jobId, String partId, String owner, String error);

    Map<Long, MarkState> marks(String jobId, long from, long to);

    /** Readies a redrive of items {@code [from, to)}: DEAD marks become PENDING and a closed job reopens. */
    long redrive(String jobId, long from, long to);

    /**
     * Marks what became of items.
     *
     * @param held the sub-task whose claim {@code owner} must hold for the marks to land (dead letters and
     *     skips are the holder's); empty for marks of completed work, which any delivery may write
     * @throws ClaimLostException when {@code owner} no longer holds {@code held}
     */
    void record(
            String jobId,
            Optional<Ledger.Finish> finish,
            String owner,
            List<ItemOutcome> outcomes,
            Map<Long, MarkState> known,
            Optional<String> held);

    Closing close(String jobId, String owner, Duration lease);

    /** Records that {@code job}'s close {@code job.close()} was announced: the job has settled. */
    void published(JobRecord job, String owner);

    void publicationFailed(String jobId, int close, String owner);

    /** Closes what can be closed and times out what is past its deadline; the events the caller must publish. */
    List<Closing.Publish> sweep(String owner, Duration lease);

    /** No ledger: every claim succeeds as a first attempt, nothing is recorded, no job ever closes. */
    static JobLedger none() {
        return new JobLedger() {
            @Override
            public void warmUp() {}

            @Override
            public void startJob(String jobId, String taskType, long items) {}

            @Override
            public Optional<Standing> standing(String jobId) {
                return Optional.of(new Standing(Long.MAX_VALUE, 0, 0, 0, 0, 0, -1, Optional.empty()));
            }

            @Override
            public Claim claim(String jobId, String partId, String owner, Duration lease, boolean redrive) {
                return new Claim.Claimed(1, 0);
            }

            @Override
            public void progress(String jobId, String partId, String owner, long queued) {}

            @Override
            public void finishTask(String jobId, String partId, TaskState state) {}

            @Override
            public boolean release(String jobId, String partId, String owner, String error) {
                return true;
            }

            @Override
            public Map<Long, MarkState> marks(String jobId, long from, long to) {
                return Map.of();
            }

            @Override
            public long redrive(String jobId, long from, long to) {
                return 0;
            }

            @Override
            public void record(
                    String jobId,
                    Optional<Ledger.Finish> finish,
                    String owner,
                    List<ItemOutcome> outcomes,
                    Map<Long, MarkState> known,
                    Optional<String> held) {}

            @Override
            public Closing close(String jobId, String owner, Duration lease) {
                return new Closing.Settled();
            }

            @Override
            public void published(JobRecord job, String owner) {}

            @Override
            public void publicationFailed(String jobId, int close, String owner) {}

            @Override
            public List<Closing.Publish> sweep(String owner, Duration lease) {
                return List.of();
            }
        };
    }
}
