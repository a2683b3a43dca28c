package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.message.DirectResponse;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Answers a direct event with the {@code statusCode/count/body} contract: processed, split, ignored
 * or invalid. The event is the original task of a job: it opens the job, runs under the ledger
 * (a repeat of the event finds its work done), and settles the job before answering, so a small
 * job closes and announces itself here; when that fails the invocation fails, and Lambda's retry of
 * the event (or the sweep) settles it.
 */
final class DirectEventHandler<T> {

    private static final Logger log = LoggerFactory.getLogger(DirectEventHandler.class);

    private final TaskType<T> type;
    private final TaskRunner<T> runner;
    private final LedgeredTask<T> ledgered;
    private final JobLedger ledger;
    private final JobCompletion completion;
    private final DeadLetters deadLetters;

    DirectEventHandler(EngineParts<T> parts, TaskRunner<T> runner) {
        this.type = parts.type();
        this.runner = Objects.requireNonNull(runner, "runner");
        this.ledgered = new LedgeredTask<>(parts, runner);
        this.ledger = parts.ledger();
        this.completion = parts.completion();
        this.deadLetters = parts.deadLetters();
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
                try (MDC.MDCCloseable job = MDC.putCloseable(LogKeys.JOB_ID, lineage.jobId())) {
                    yield run(accepted.task(), lineage, invocation);
                }
            }
        };
    }

    private DirectResponse run(T task, Lineage lineage, Invocation invocation) {
        String requestId = invocation.requestId();
        String where = "requestId=" + requestId + ", " + lineage.describe();
        int items;
        try {
            items = runner.count(task);
        } catch (TaskTypeException e) {
            log.warn("{}: invalid event argument: {}", where, e.getMessage(), e);
            return DirectResponse.invalid();
        }
        JobScope scope = new JobScope(ledger);
        LedgeredTask.Delivery delivery = new LedgeredTask.Delivery(
                requestId,
                requestId,
                // Lambda's attempts at an asynchronous event: the ledger counts them, as the event does not say.
                attempt -> attempt >= deadLetters.invokeMaxAttempts(),
                invocation,
                scope,
                // An original event seen again once it was dead-lettered is a redrive of its failed event.
                true,
                // Lambda sends a failed asynchronous event to its on-failure destination; when that queue invokes this
                // function (FAILED_EVENTS_QUEUE_ARN), its consumer finishes a split the last attempt left, so the
                // split's
                // items are not counted as dead-lettered here: the attempt may have queued parts it did not live to
                // record.
                deadLetters.finishesFailedEvents());
        DirectResponse response;
        try {
            ledger.startJob(lineage.jobId(), type.name(), items);
            response = switch (ledgered.run(task, items, lineage, Optional.empty(), delivery)) {
                case LedgeredTask.Ran.Worked worked -> {
                    TaskRunner.Result result = worked.result();
                    log.info(
                            "{}: {}",
                            where,
                            result.split() || result.shortOfTime()
                                    ? result.describe(type.itemNoun())
                                    : "handled " + type.itemNoun().count(result.items()));
                    yield result.split() || result.shortOfTime()
                            ? DirectResponse.split(type.itemNoun(), result.items(), result.messages())
                            : DirectResponse.handled(type.itemNoun(), result.items());
                }
                case LedgeredTask.Ran.Duplicate duplicate -> {
                    log.info("{}: the event ran already (done at {}); nothing to do again", where, duplicate.at());
                    yield DirectResponse.duplicate(lineage.jobId());
                }
                case LedgeredTask.Ran.Skipped skipped -> {
                    log.info(
                            "{}: the job was stopped ({}); {} skipped",
                            where,
                            skipped.why(),
                            type.itemNoun().count((int) skipped.items()));
                    yield DirectResponse.stopped(type.itemNoun(), (int) skipped.items());
                }
            };
        } catch (TaskBusyException e) {
            log.info("{}: {}", where, e.getMessage());
            return DirectResponse.duplicate(lineage.jobId());
        } catch (LedgeredTask.Failed failed) {
            settleAfterFailure(lineage, invocation, failed);
            if (failed.permanent()) {
                log.warn(
                        "{}: invalid event argument: {}",
                        where,
                        failed.failure().getMessage(),
                        failed.failure());
                return DirectResponse.invalid();
            }
            throw new TaskFailedException(
                    where + ": " + type.name() + " processing failed: "
                            + failed.failure().getMessage(),
                    failed.failure());
        } catch (RuntimeException e) {
            throw new TaskFailedException(where + ": " + e.getMessage(), e);
        }
        settle(lineage, invocation, where);
        return response;
    }

    /** Settles the job before answering; a failure fails the invocation, so Lambda retries the event. */
    private void settle(Lineage lineage, Invocation invocation, String where) {
        try {
            completion.settle(lineage.jobId(), invocation.requestId(), invocation.remainingTime());
        } catch (RuntimeException e) {
            throw new TaskFailedException(
                    where + ": the work is done and counted, but the job could not be settled (closed, announced): "
                            + e.getMessage() + "; a retry of the event settles it",
                    e);
        }
    }

    private void settleAfterFailure(Lineage lineage, Invocation invocation, LedgeredTask.Failed failed) {
        if (!failed.deadLettered()) {
            return;
        }
        try {
            completion.settle(lineage.jobId(), invocation.requestId(), invocation.remainingTime());
        } catch (RuntimeException e) {
            log.warn(
                    "{}: could not settle the job after dead-lettering its open items; the sweep does: {}",
                    lineage.describe(),
                    e.toString());
        }
    }
}
