package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.queue.SubTaskEnvelope;
import dev.loadsplitter.engine.message.DirectResponse;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.task.ItemNoun;

/**
 * Does a sub-task an asynchronous invocation delivered ({@code DISPATCH=invoke}): runs it as the
 * one record of a batch would run, settles its job, and fails the invocation when either fails, so
 * Lambda retries it and then sends it to the on-failure destination.
 */
final class InvokedSubTaskHandler<T> {

    private final SubTaskRecordHandler<T> records;
    private final JobLedger ledger;
    private final JobCompletion completion;
    private final ItemNoun noun;

    InvokedSubTaskHandler(EngineParts<T> parts, TaskRunner<T> runner) {
        this.records = new SubTaskRecordHandler<>(parts, runner);
        this.ledger = parts.ledger();
        this.completion = parts.completion();
        this.noun = parts.type().itemNoun();
    }

    /**
     * @throws TaskFailedException when the sub-task failed; the invocation fails with it
     */
    DirectResponse handle(JsonNode envelope, Invocation invocation) {
        SqsRecord record = SubTaskEnvelope.read(envelope, invocation.requestId())
                .orElseThrow(() -> new IllegalArgumentException("not a sub-task envelope"));
        JobScope scope = new JobScope(ledger);
        SubTaskRecordHandler.Handled handled;
        try {
            handled = records.handle(record, invocation, scope);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException("requestId=" + invocation.requestId() + ": interrupted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException("requestId=" + invocation.requestId() + ": " + e.getMessage(), e);
        }
        for (String jobId : scope.touched()) {
            try {
                completion.settle(jobId, invocation.requestId(), invocation.remainingTime());
            } catch (RuntimeException e) {
                throw new TaskFailedException(
                        "requestId=" + invocation.requestId() + ", job=" + jobId
                                + ": the sub-task is done and counted, but its job could not be settled: "
                                + e.getMessage() + "; Lambda's retry settles it",
                        e);
            }
        }
        return handled.result()
                .map(result -> result.split() || result.shortOfTime()
                        ? DirectResponse.split(noun, result.items(), result.messages())
                        : DirectResponse.handled(noun, result.items()))
                .orElseGet(() -> DirectResponse.handled(noun, 0));
    }
}
