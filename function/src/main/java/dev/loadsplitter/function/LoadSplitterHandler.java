package dev.loadsplitter.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.loadsplitter.engine.handler.EntryHandler;
import dev.loadsplitter.engine.handler.Invocation;
import dev.loadsplitter.function.createtags.CreateTagsTask;
import dev.loadsplitter.function.createtags.CreateTagsTaskType;
import dev.loadsplitter.function.createtags.TagWork;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;

/**
 * The Lambda entry class. Deploy with handler
 * {@code dev.loadsplitter.function.LoadSplitterHandler::handleRequest} on runtime {@code java21}.
 *
 * <p>It only adapts Lambda's streams and context and delegates to the engine. Everything it needs
 * is built once, in the constructor, per container.
 */
public final class LoadSplitterHandler implements RequestStreamHandler, AutoCloseable {

    private final EntryHandler<CreateTagsTask> entry;

    /** The constructor AWS Lambda calls: configuration comes from the process environment. */
    public LoadSplitterHandler() {
        this(System.getenv());
    }

    /**
     * For a local runtime: the function's environment is handed over as a map, so nothing
     * JVM-global has to change and several functions can share one JVM.
     */
    public LoadSplitterHandler(Map<String, String> environment) {
        this.entry = EntryHandler.fromEnvironment(
                new CreateTagsTaskType(TagWork.fromEnvironment(environment)), environment);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        if (context == null) {
            entry.handle(input, output, new Invocation("-"));
            return;
        }
        String requestId = context.getAwsRequestId() == null ? "-" : context.getAwsRequestId();
        entry.handle(input, output, new Invocation(requestId, Duration.ofMillis(context.getRemainingTimeInMillis())));
    }

    @Override
    public void close() {
        entry.close();
    }
}
