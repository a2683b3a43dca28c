package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.message.DirectResponse;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTaskEnvelope;
import dev.loadsplitter.engine.task.ItemNoun;

/**
 * Does a sub-task an asynchronous invocation delivered ({@code DISPATCH=invoke}): runs it as the
 * one record of a batch would run, and fails the invocation when it fails, so Lambda retries it
 * and then sends it to the on-failure destination.
 */
final class InvokedSubTaskHandler<T> {

    private final SubTaskRecordHandler<T> records;
    private final ItemNoun noun;

    InvokedSubTaskHandler(EngineParts<T> parts, TaskRunner<T> runner) {
        this.records = new SubTaskRecordHandler<>(parts, runner);
        this.noun = parts.type().itemNoun();
    }

    /**
     * @throws TaskFailedException when the sub-task failed; the invocation fails with it
     */
    DirectResponse handle(JsonNode envelope, Invocation invocation) {
        SqsRecord record = SubTaskEnvelope.read(envelope, invocation.requestId())
                .orElseThrow(() -> new IllegalArgumentException("not a sub-task envelope"));
        SubTaskRecordHandler.Handled handled;
        try {
            handled = records.handleRecord(record, invocation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException("requestId=" + invocation.requestId() + ": interrupted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException("requestId=" + invocation.requestId() + ": " + e.getMessage(), e);
        }
        return handled.result()
                .map(result -> result.split() || result.shortOfTime()
                        ? DirectResponse.split(noun, result.items(), result.messages())
                        : DirectResponse.handled(noun, result.items()))
                .orElseGet(() -> DirectResponse.handled(noun, 0));
    }
}
