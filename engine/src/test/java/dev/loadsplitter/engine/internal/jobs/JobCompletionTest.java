package dev.loadsplitter.engine.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.engine.internal.idempotency.InMemoryProcessingRecords;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords.Done;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.message.TaskId;
import dev.loadsplitter.engine.testing.SteppingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A job is closed by its last count, and its completion event published once, even when publishing fails. */
class JobCompletionTest {

    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final InMemoryProcessingRecords records = new InMemoryProcessingRecords(Duration.ofHours(1));
    private final List<JobRecord> published = new CopyOnWriteArrayList<>();

    private void done(JobCompletion completion, String part) {
        completion.afterCount(records.markDone(new TaskId("job-1", part), new Done(1, 0), clock.instant()));
    }

    @Test
    void theLastCountClosesTheJobAndPublishesItsRecordOnce() {
        JobCompletion completion = new JobCompletion(records, published::add, clock);
        records.startJob("job-1", "Order", 2, clock.instant());

        done(completion, "1");
        assertThat(published).isEmpty();
        done(completion, "2");
        done(completion, "2");
        completion.retryPending("job-1");

        assertThat(published).singleElement().satisfies(job -> {
            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job.processed()).isEqualTo(2);
            assertThat(job.completedAt()).contains(clock.instant());
        });
    }

    @Test
    void aPublicationThatFailsIsRetriedByTheNextDeliveryAndSentOnce() {
        AtomicBoolean busDown = new AtomicBoolean(true);
        JobCompletion completion = new JobCompletion(
                records,
                job -> {
                    if (busDown.get()) {
                        throw new IllegalStateException("EventBridge is unavailable");
                    }
                    published.add(job);
                },
                clock);
        records.startJob("job-1", "Order", 1, clock.instant());

        assertThatThrownBy(() -> done(completion, "1")).hasMessage("EventBridge is unavailable");
        busDown.set(false);
        completion.retryPending("job-1");
        completion.retryPending("job-1");

        assertThat(published).hasSize(1);
        assertThat(records.job("job-1").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void aCompletionLeftByACrashedPublisherIsTakenOverAfterItsLease() {
        records.startJob("job-1", "Order", 1, clock.instant());
        records.markDone(new TaskId("job-1", "1"), new Done(1, 0), clock.instant());
        // The closing invocation took the event and died before publishing it.
        assertThat(records.closeJob("job-1", JobStatus.COMPLETED, clock.instant(), Duration.ofMinutes(1)))
                .isTrue();
        JobCompletion completion = new JobCompletion(records, published::add, clock);

        completion.retryPending("job-1");
        assertThat(published).as("still held by the crashed publisher's lease").isEmpty();
        clock.advance(Duration.ofMinutes(2));
        completion.retryPending("job-1");

        assertThat(published).hasSize(1);
    }
}
