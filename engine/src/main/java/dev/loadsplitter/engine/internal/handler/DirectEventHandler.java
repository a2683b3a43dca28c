package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.message.DirectResponse;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Answers a direct event with the {@code statusCode/count/body} contract: processed, split, ignored or invalid. */
final class DirectEventHandler<T> {

    private static final Logger log = LoggerFactory.getLogger(DirectEventHandler.class);

    private final TaskType<T> type;
    private final TaskRunner<T> runner;
    private final ProcessingRecords records;
    private final JobCompletion completion;
    private final Clock clock;

    DirectEventHandler(EngineParts<T> parts, TaskRunner<T> runner) {
        this.type = parts.type();
        this.runner = Objects.requireNonNull(runner, "runner");
        this.records = parts.records();
        this.completion = parts.completion();
        this.clock = parts.clock();
    }

    /**
     * @throws TaskFailedException when the task could not be done; the source retries the event
     */
    DirectResponse handle(JsonNode event, Invocation invocation) {
        String requestId = invocation.requestId();
        return switch (TaskReading.read(type, event)) {
            case Reading.Invalid<T> invalid -> {
                log.warn("requestId={}: invalid event argument: {}", requestId, invalid.describe());
                yield DirectResponse.invalid();
            }
            case Reading.Ignored<T> ignored -> {
                log.info("requestId={}: event was ignored: {}", requestId, ignored.reason());
                yield DirectResponse.ignored();
            }
            case Reading.Accepted<T> accepted -> {
                Lineage lineage = Lineage.root(JobIds.derive(event));
                TaskRunner.Result result;
                try (MDC.MDCCloseable job = MDC.putCloseable(LogKeys.JOB_ID, lineage.jobId())) {
                    records.startJob(lineage.jobId(), type.name(), runner.count(accepted.task()), clock.instant());
                    result = run(accepted.task(), lineage, requestId, Deadline.of(invocation, clock));
                    completion.afterCount(records.rootDone(lineage.jobId(), result.done(), clock.instant()));
                    logOutcome(requestId, lineage, result);
                } catch (TaskTypeException e) {
                    log.warn(
                            "requestId={}, {}: invalid event argument: {}",
                            requestId,
                            lineage.describe(),
                            e.getMessage());
                    yield DirectResponse.invalid();
                }
                yield result.split() || result.shortOfTime()
                        ? DirectResponse.split(type.itemNoun(), result.items(), result.messages())
                        : DirectResponse.handled(type.itemNoun(), result.items());
            }
        };
    }

    private void logOutcome(String requestId, Lineage lineage, TaskRunner.Result result) {
        log.info(
                "requestId={}, {}: {}",
                requestId,
                lineage.describe(),
                result.split() || result.shortOfTime()
                        ? result.describe(type.itemNoun())
                        : "handled " + type.itemNoun().count(result.items()));
    }

    private TaskRunner.Result run(T task, Lineage lineage, String requestId, Deadline deadline) {
        String where = "requestId=" + requestId + ", " + lineage.describe();
        try {
            return runner.run(task, lineage, requestId, deadline, java.util.Optional.empty(), TaskRunner.Progress.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException(where + ": interrupted", e);
        } catch (TaskTypeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TaskFailedException(where + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new TaskFailedException(where + ": " + type.name() + " processing failed: " + e.getMessage(), e);
        }
    }
}
