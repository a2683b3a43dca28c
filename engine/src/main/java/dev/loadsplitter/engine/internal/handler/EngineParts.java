package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.jobs.CompletionEvents;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.queue.SubTaskSender;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.task.TaskType;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * Everything one container's engine is made of, built once and shared by its invocations.
 *
 * @param type the task type
 * @param json the mapper events and answers go through
 * @param splitter cuts large tasks
 * @param sender queues sub-tasks
 * @param ledger the jobs' ledger: claims, per-item marks, counts, closes
 * @param clock the time deadlines are read from
 * @param executor runs the records of a batch concurrently
 * @param recordConcurrency records of one batch run at once
 * @param resources closed with the engine: whatever was built for it alone
 * @param completion closes a job when its last item is accounted for, and announces it
 * @param deadLetters how records of the dead-letter queue are recognised, counted and parked
 */
public record EngineParts<T>(
        TaskType<T> type,
        ObjectMapper json,
        Splitter splitter,
        SubTaskSender sender,
        JobLedger ledger,
        Clock clock,
        ExecutorService executor,
        int recordConcurrency,
        Runnable resources,
        JobCompletion completion,
        DeadLetters deadLetters) {

    /** Parts without job completion events or a dead-letter consumer, as most tests want them. */
    public EngineParts(
            TaskType<T> type,
            ObjectMapper json,
            Splitter splitter,
            SubTaskSender sender,
            JobLedger ledger,
            Clock clock,
            ExecutorService executor,
            int recordConcurrency,
            Runnable resources) {
        this(
                type,
                json,
                splitter,
                sender,
                ledger,
                clock,
                executor,
                recordConcurrency,
                resources,
                new JobCompletion(ledger, CompletionEvents.none()),
                DeadLetters.none());
    }

    public EngineParts {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(splitter, "splitter");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(deadLetters, "deadLetters");
        if (recordConcurrency < 1) {
            throw new IllegalArgumentException("recordConcurrency must be at least 1, got " + recordConcurrency);
        }
    }
}
