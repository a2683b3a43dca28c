package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.internal.config.Once;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the real store, and its client, on first use: an invocation that only processes an
 * original task directly may never need it. Once built it is kept for the container's life.
 */
public final class LazyProcessingRecords implements ProcessingRecords {

    private final Once<ProcessingRecords> records;

    public LazyProcessingRecords(Supplier<? extends ProcessingRecords> factory) {
        this.records = new Once<>(factory);
    }

    private ProcessingRecords records() {
        return records.get();
    }

    @Override
    public void warmUp() {
        records().warmUp();
    }

    @Override
    public Claim claim(TaskId taskId, Instant now, Duration lease) {
        return records().claim(taskId, now, lease);
    }

    @Override
    public Optional<JobRecord> markDone(TaskId taskId, Done done, Instant now) {
        return records().markDone(taskId, done, now);
    }

    @Override
    public void markQueued(TaskId taskId, long itemsQueued, Instant now) {
        records().markQueued(taskId, itemsQueued, now);
    }

    @Override
    public long queuedItems(TaskId taskId) {
        return records().queuedItems(taskId);
    }

    @Override
    public void markFailed(TaskId taskId, String error, Instant now) {
        records().markFailed(taskId, error, now);
    }

    @Override
    public Optional<JobRecord> markDeadLettered(TaskId taskId, long items, String error, Instant now) {
        return records().markDeadLettered(taskId, items, error, now);
    }

    @Override
    public void startJob(String jobId, String taskType, long items, Instant now) {
        records().startJob(jobId, taskType, items, now);
    }

    @Override
    public Optional<JobRecord> rootDone(String jobId, Done done, Instant now) {
        return records().rootDone(jobId, done, now);
    }

    @Override
    public boolean closeJob(String jobId, JobStatus status, Instant now, Duration lease) {
        return records().closeJob(jobId, status, now, lease);
    }

    @Override
    public boolean claimCompletion(String jobId, Instant now, Duration lease) {
        return records().claimCompletion(jobId, now, lease);
    }

    @Override
    public void completionPublished(String jobId, Instant now) {
        records().completionPublished(jobId, now);
    }

    @Override
    public void completionFailed(String jobId, Instant now) {
        records().completionFailed(jobId, now);
    }

    @Override
    public Optional<JobRecord> job(String jobId) {
        return records().job(jobId);
    }

    @Override
    public List<JobRecord> jobs() {
        return records().jobs();
    }
}
