package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
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
 * @param records processing records by task id, so a duplicate delivery is not processed twice
 * @param clock the time processing records are stamped with
 * @param executor runs the records of a batch concurrently
 * @param recordConcurrency records of one batch run at once
 * @param resources closed with the engine: whatever was built for it alone
 */
public record EngineParts<T>(TaskType<T> type, ObjectMapper json, Splitter splitter, SubTaskSender sender,
                             ProcessingRecords records, Clock clock, ExecutorService executor, int recordConcurrency,
                             Runnable resources) {

    public EngineParts {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(splitter, "splitter");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(resources, "resources");
        if (recordConcurrency < 1) {
            throw new IllegalArgumentException("recordConcurrency must be at least 1, got " + recordConcurrency);
        }
    }
}
