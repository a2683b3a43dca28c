package dev.loadsplitter.engine.internal.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.concurrent.BoundedParallel;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.WorkContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Dispatches sub-tasks by invoking the function itself asynchronously ({@code InvocationType=Event}),
 * one invocation per sub-task with its lineage in the payload ({@link SubTaskEnvelope}), several
 * calls in flight at once. The SDK's retry strategy repeats calls that are throttled or fail; what
 * still fails fails the invocation, naming how many were dispatched, so its source retries it.
 */
public final class InvokeSubTaskSender implements SubTaskSender {

    /** Lambda's limit on an asynchronous invocation's payload: 1 MB. */
    public static final int MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;

    private static final Logger log = LoggerFactory.getLogger(InvokeSubTaskSender.class);

    private final LambdaClient lambda;
    private final String functionName;
    private final int concurrency;
    private final ExecutorService executor;
    private final ObjectMapper json;
    private final Clock clock;

    public InvokeSubTaskSender(
            LambdaClient lambda,
            String functionName,
            int concurrency,
            ExecutorService executor,
            ObjectMapper json,
            Clock clock) {
        this.lambda = Objects.requireNonNull(lambda, "lambda");
        this.functionName = Objects.requireNonNull(functionName, "functionName");
        this.concurrency = concurrency;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public SendReport send(List<SubTask> subTasks, WorkContext context) {
        Instant start = clock.instant();
        List<String> errors;
        try {
            errors = BoundedParallel.map(subTasks, concurrency, executor, this::invoke, (subTask, e) -> e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubTaskSendException(
                    "function " + functionName, 0, subTasks.size(), 1, "interrupted while invoking");
        }
        List<String> failures = errors.stream().filter(Objects::nonNull).toList();
        int sent = subTasks.size() - failures.size();
        if (!failures.isEmpty()) {
            throw new SubTaskSendException("function " + functionName, sent, failures.size(), 1, failures.getFirst());
        }
        Duration elapsed = Duration.between(start, clock.instant());
        log.info(
                "{}: invoked {} for {} sub-tasks asynchronously in {} ms",
                context.describe(),
                functionName,
                sent,
                elapsed.toMillis());
        return new SendReport(sent, subTasks.size(), 0, elapsed);
    }

    /** Invokes the function with one sub-task; null when Lambda accepted it, otherwise why not. */
    private String invoke(SubTask subTask) {
        byte[] payload = SubTaskEnvelope.write(subTask, json);
        if (payload.length > MAX_ASYNC_PAYLOAD_BYTES) {
            return "the sub-task's payload is " + payload.length + " bytes, above Lambda's 1 MB for an asynchronous "
                    + "invocation; lower MAX_MESSAGE_BYTES";
        }
        int status = lambda.invoke(request -> request.functionName(functionName)
                        .invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromByteArray(payload)))
                .statusCode();
        return status == 202 ? null : "Invoke answered " + status + " instead of 202";
    }
}
