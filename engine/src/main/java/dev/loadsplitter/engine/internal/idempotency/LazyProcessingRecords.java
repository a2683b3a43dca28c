package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;
import dev.loadsplitter.engine.internal.config.Once;
import java.util.function.Supplier;

/**
 * Builds the real store, and its client, on the first sub-task: an invocation that only splits an
 * original task never needs it. Once built it is kept for the container's life.
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
    public Claim claim(TaskId taskId, Instant now, Duration lease) {
        return records().claim(taskId, now, lease);
    }

    @Override
    public void markDone(TaskId taskId, Instant now) {
        records().markDone(taskId, now);
    }

    @Override
    public void markFailed(TaskId taskId, String error, Instant now) {
        records().markFailed(taskId, error, now);
    }
}
