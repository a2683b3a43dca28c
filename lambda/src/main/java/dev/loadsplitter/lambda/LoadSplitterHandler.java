package dev.loadsplitter.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.LoadSplitter;
import dev.loadsplitter.engine.TaskTypes;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.lambda.logging.LogFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The Lambda handler for any task type: deploy a jar holding your {@link TaskType} with handler
 * {@code dev.loadsplitter.lambda.LoadSplitterHandler::handleRequest} on runtime {@code java21}.
 *
 * <p>It finds the task type as {@link TaskTypes} describes ({@code TASK_TYPE}, or the one listed
 * in {@code META-INF/services/dev.loadsplitter.engine.task.TaskType}), builds the engine once per
 * container in its constructor, and adapts Lambda's streams and context to it.
 */
public final class LoadSplitterHandler implements RequestStreamHandler, AutoCloseable {

    private final LoadSplitter engine;

    /** The constructor AWS Lambda calls: configuration comes from the process environment. */
    public LoadSplitterHandler() {
        this(System.getenv());
    }

    /**
     * For a runtime that hands the environment over as a map, so that several functions can share
     * one JVM: the task type, its settings and the engine's read {@code environment}, never
     * {@code System.getenv()}, and no system property or environment variable is set.
     *
     * <p>One thing is JVM-wide: the log format and level ({@code AWS_LAMBDA_LOG_FORMAT},
     * {@code AWS_LAMBDA_LOG_LEVEL}) go to {@link LogFormat}, which every logger of this class loader
     * reads, so handlers built from different maps in one class loader log in the format of the one
     * built last. The local runtime gives each function jar a class loader of its own, so there
     * only handlers of one jar share it.
     */
    public LoadSplitterHandler(Map<String, String> environment) {
        this(TaskTypes.find(environment, LoadSplitterHandler.class.getClassLoader()), environment);
        LogFormat.use(environment);
    }

    /** For a task type built by hand, as a test or a handler of your own would. */
    public LoadSplitterHandler(TaskType<?> type, Map<String, String> environment) {
        this.engine = LoadSplitter.fromEnvironment(type, environment);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation invocation = invocationOf(context);
        // Every log line of the invocation carries its request id in Lambda's JSON log format.
        try (MDC.MDCCloseable requestId = MDC.putCloseable("requestId", invocation.requestId())) {
            engine.handle(input, output, invocation);
        }
    }

    private static Invocation invocationOf(Context context) {
        if (context == null) {
            return new Invocation("-");
        }
        String requestId = context.getAwsRequestId() == null ? "-" : context.getAwsRequestId();
        return new Invocation(requestId, Duration.ofMillis(context.getRemainingTimeInMillis()));
    }

    @Override
    public void close() {
        engine.close();
    }
}
