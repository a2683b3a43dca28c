package dev.loadsplitter.engine.internal.idempotency;

import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.message.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Processing records and job records in memory. On AWS Lambda one JVM serves one execution
 * environment, so this catches the duplicates that reach the same container and counts only that
 * container's part of a job; use the DynamoDB store there. In a local runtime every container of a
 * function shares one class loader, and so one {@link #shared store} per work queue. One lock
 * makes each move of a record and its count into the job one step.
 */
public final class InMemoryProcessingRecords implements ProcessingRecords {

    private static final ConcurrentHashMap<String, InMemoryProcessingRecords> SHARED = new ConcurrentHashMap<>();
    private static final int PURGE_EVERY = 10_000;

    private final Duration timeToLive;
    private final Map<TaskId, Entry> records = new HashMap<>();
    private final Map<String, Job> jobs = new HashMap<>();
    private int claims;

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

    private enum State {
        IN_PROGRESS,
        DONE,
        FAILED,
        DEAD_LETTERED
    }

    /**
     * @param deadItems items of this sub-task counted in its job as dead-lettered now; 0 when none
     * @param queuedItems items its splits have queued as sub-tasks
     */
    private record Entry(
            State state,
            Instant leaseEnds,
            Instant at,
            Instant expires,
            int attempts,
            long deadItems,
            long queuedItems) {}

    /** A job's counters, changed only under the store's lock. */
    private static final class Job {
        String taskType = "";
        long items;
        long subTasksQueued;
        long processed;
        long failedAttempts;
        long deadLettered;
        Instant firstActivity;
        Instant lastActivity;
        JobStatus status = JobStatus.IN_PROGRESS;
        Instant completedAt;
        boolean rootDone;
        /** PENDING, SENDING (until sendingUntil) or SENT, once closed. */
        String completion;

        Instant sendingUntil;

        JobRecord record(String jobId) {
            return new JobRecord(
                    jobId,
                    taskType,
                    items,
                    subTasksQueued,
                    processed,
                    failedAttempts,
                    deadLettered,
                    firstActivity,
                    lastActivity,
                    status,
                    Optional.ofNullable(completedAt));
        }
    }

    private Job job(String jobId, Instant now) {
        Job job = jobs.computeIfAbsent(jobId, id -> new Job());
        if (job.firstActivity == null) {
            job.firstActivity = now;
        }
        job.lastActivity = now;
        return job;
    }

    @Override
    public synchronized Claim claim(TaskId taskId, Instant now, Duration lease) {
        if (++claims % PURGE_EVERY == 0) {
            records.values().removeIf(entry -> entry.expires().isBefore(now));
        }
        Entry entry = records.get(taskId);
        boolean live = entry != null && entry.expires().isAfter(now);
        if (live && entry.state() == State.DONE) {
            return new Claim.AlreadyDone(entry.at());
        }
        if (live && entry.state() == State.IN_PROGRESS && entry.leaseEnds().isAfter(now)) {
            return new Claim.HeldElsewhere(entry.leaseEnds());
        }
        int attempt = live ? entry.attempts() + 1 : 1;
        // A redriven dead-lettered sub-task keeps its count, to take it off the job's dead-lettered items when done.
        records.put(
                taskId,
                new Entry(
                        State.IN_PROGRESS,
                        now.plus(lease),
                        now,
                        now.plus(timeToLive),
                        attempt,
                        live ? entry.deadItems() : 0,
                        live ? entry.queuedItems() : 0));
        return new Claim.Claimed(attempt);
    }

    @Override
    public synchronized Optional<JobRecord> markDone(TaskId taskId, Done done, Instant now) {
        Entry entry = records.get(taskId);
        if (entry != null && entry.state() == State.DONE) {
            return Optional.empty();
        }
        records.put(
                taskId,
                new Entry(
                        State.DONE,
                        now,
                        now,
                        now.plus(timeToLive),
                        entry == null ? 1 : entry.attempts(),
                        0,
                        entry == null ? 0 : entry.queuedItems()));
        Job job = job(taskId.jobId(), now);
        job.processed += done.processedItems();
        job.subTasksQueued += done.queuedSubTasks();
        if (entry != null) {
            job.deadLettered -= entry.deadItems();
        }
        return Optional.of(job.record(taskId.jobId()));
    }

    @Override
    public synchronized void markFailed(TaskId taskId, String error, Instant now) {
        Entry entry = records.get(taskId);
        if (entry != null && entry.state() != State.DONE) {
            records.put(
                    taskId,
                    new Entry(
                            entry.state() == State.DEAD_LETTERED ? State.DEAD_LETTERED : State.FAILED,
                            now,
                            now,
                            now.plus(timeToLive),
                            entry.attempts(),
                            entry.deadItems(),
                            entry.queuedItems()));
        }
        job(taskId.jobId(), now).failedAttempts++;
    }

    @Override
    public synchronized void markQueued(TaskId taskId, long itemsQueued, Instant now) {
        Entry entry = records.get(taskId);
        if (entry == null) {
            records.put(taskId, new Entry(State.FAILED, now, now, now.plus(timeToLive), 1, 0, itemsQueued));
        } else if (itemsQueued > entry.queuedItems()) {
            records.put(
                    taskId,
                    new Entry(
                            entry.state(),
                            entry.leaseEnds(),
                            entry.at(),
                            entry.expires(),
                            entry.attempts(),
                            entry.deadItems(),
                            itemsQueued));
        }
    }

    @Override
    public synchronized long queuedItems(TaskId taskId) {
        Entry entry = records.get(taskId);
        return entry == null ? 0 : entry.queuedItems();
    }

    @Override
    public synchronized Optional<JobRecord> markDeadLettered(TaskId taskId, long items, String error, Instant now) {
        Entry entry = records.get(taskId);
        if (entry != null && entry.state() == State.DONE) {
            return Optional.empty();
        }
        boolean counted = entry != null && entry.deadItems() > 0;
        long queued = entry == null ? 0 : entry.queuedItems();
        long dead = counted ? entry.deadItems() : Math.max(0, items - queued);
        records.put(
                taskId,
                new Entry(
                        State.DEAD_LETTERED,
                        now,
                        now,
                        now.plus(timeToLive),
                        entry == null ? 1 : entry.attempts(),
                        dead,
                        queued));
        if (counted) {
            return Optional.empty();
        }
        Job job = job(taskId.jobId(), now);
        job.deadLettered += dead;
        return Optional.of(job.record(taskId.jobId()));
    }

    @Override
    public synchronized void startJob(String jobId, String taskType, long items, Instant now) {
        Job job = job(jobId, now);
        if (job.items == 0) {
            job.items = items;
            job.taskType = taskType;
        }
    }

    @Override
    public synchronized Optional<JobRecord> rootDone(String jobId, Done done, Instant now) {
        Job job = job(jobId, now);
        if (job.rootDone) {
            return Optional.empty();
        }
        job.rootDone = true;
        job.processed += done.processedItems();
        job.subTasksQueued += done.queuedSubTasks();
        return Optional.of(job.record(jobId));
    }

    @Override
    public synchronized boolean closeJob(String jobId, JobStatus status, Instant now, Duration lease) {
        Job job = jobs.get(jobId);
        if (job == null || job.status != JobStatus.IN_PROGRESS) {
            return false;
        }
        job.status = status;
        job.completedAt = now;
        job.completion = "SENDING";
        job.sendingUntil = now.plus(lease);
        return true;
    }

    @Override
    public synchronized boolean claimCompletion(String jobId, Instant now, Duration lease) {
        Job job = jobs.get(jobId);
        boolean claimable = job != null
                && ("PENDING".equals(job.completion)
                        || "SENDING".equals(job.completion) && job.sendingUntil.isBefore(now));
        if (claimable) {
            job.completion = "SENDING";
            job.sendingUntil = now.plus(lease);
        }
        return claimable;
    }

    @Override
    public synchronized void completionPublished(String jobId, Instant now) {
        Job job = jobs.get(jobId);
        if (job != null) {
            job.completion = "SENT";
        }
    }

    @Override
    public synchronized void completionFailed(String jobId, Instant now) {
        Job job = jobs.get(jobId);
        if (job != null && "SENDING".equals(job.completion)) {
            job.completion = "PENDING";
        }
    }

    @Override
    public synchronized Optional<JobRecord> job(String jobId) {
        Job job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.record(jobId));
    }

    @Override
    public synchronized List<JobRecord> jobs() {
        List<JobRecord> all = new ArrayList<>();
        jobs.forEach((id, job) -> all.add(job.record(id)));
        all.sort(Comparator.comparing(JobRecord::lastActivity).reversed());
        return all;
    }

    /** Records held now, expired ones included until the next purge. */
    public synchronized int size() {
        return records.size();
    }
}
