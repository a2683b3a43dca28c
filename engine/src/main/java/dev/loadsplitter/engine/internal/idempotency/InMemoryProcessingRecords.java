package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Processing records in memory. On AWS Lambda one JVM serves one execution environment, so this
 * catches the duplicates that reach the same container; in the local runtime every container of
 * a function shares one class loader, and so one {@link #shared store} per work queue. For duplicates across
 * Lambda containers use the DynamoDB store.
 */
public final class InMemoryProcessingRecords implements ProcessingRecords {

    private static final ConcurrentHashMap<String, InMemoryProcessingRecords> SHARED = new ConcurrentHashMap<>();
    private static final int PURGE_EVERY = 10_000;

    private final Duration timeToLive;
    private final ConcurrentHashMap<TaskId, Entry> records = new ConcurrentHashMap<>();
    private final AtomicInteger claims = new AtomicInteger();

    /** @param timeToLive how long a record is kept: longer than the visibility timeout */
    public InMemoryProcessingRecords(Duration timeToLive) {
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
    }

    /**
     * The store every handler of this class loader shares for one work queue: sub-task ids are only
     * unique within the queue their job was split onto, and two local runs in one JVM use two queues.
     *
     * @param queue the work queue's URL or name
     */
    public static InMemoryProcessingRecords shared(String queue, Duration timeToLive) {
        return SHARED.computeIfAbsent(queue + " " + timeToLive, key -> new InMemoryProcessingRecords(timeToLive));
    }

    private enum State { IN_PROGRESS, DONE, FAILED }

    private record Entry(State state, Instant leaseEnds, Instant at, Instant expires, int attempts) {
    }

    @Override
    public Claim claim(TaskId taskId, Instant now, Duration lease) {
        if (claims.incrementAndGet() % PURGE_EVERY == 0) {
            records.values().removeIf(entry -> entry.expires().isBefore(now));
        }
        AtomicReference<Claim> result = new AtomicReference<>();
        records.compute(taskId, (id, entry) -> {
            if (entry != null && entry.expires().isAfter(now)) {
                if (entry.state() == State.DONE) {
                    result.set(new Claim.AlreadyDone(entry.at()));
                    return entry;
                }
                if (entry.state() == State.IN_PROGRESS && entry.leaseEnds().isAfter(now)) {
                    result.set(new Claim.HeldElsewhere(entry.leaseEnds()));
                    return entry;
                }
            }
            int attempt = entry == null || !entry.expires().isAfter(now) ? 1 : entry.attempts() + 1;
            result.set(new Claim.Claimed(attempt));
            return new Entry(State.IN_PROGRESS, now.plus(lease), now, now.plus(timeToLive), attempt);
        });
        return result.get();
    }

    @Override
    public void markDone(TaskId taskId, Instant now) {
        records.compute(taskId, (id, entry) -> new Entry(State.DONE, now, now, now.plus(timeToLive),
                entry == null ? 1 : entry.attempts()));
    }

    @Override
    public void markFailed(TaskId taskId, String error, Instant now) {
        records.computeIfPresent(taskId, (id, entry) -> entry.state() == State.DONE ? entry
                : new Entry(State.FAILED, now, now, now.plus(timeToLive), entry.attempts()));
    }

    /** Records held now, expired ones included until the next purge. */
    public int size() {
        return records.size();
    }
}
