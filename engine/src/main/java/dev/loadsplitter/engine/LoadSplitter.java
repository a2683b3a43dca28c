package dev.loadsplitter.engine;

import dev.loadsplitter.engine.internal.handler.Wiring;
import dev.loadsplitter.engine.task.TaskType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The engine behind one Lambda function: it answers an invocation's JSON with the JSON Lambda
 * expects, for both kinds of input.
 * <ul>
 *   <li>An SQS batch ({@code Records} from {@code aws:sqs}): every record is handled on its own, and
 *       the answer is the partial batch response naming exactly the records that failed.</li>
 *   <li>Anything else is a direct event (EventBridge, the Invoke API, a console test): a small task
 *       is processed, a large one split and queued, and the answer is
 *       {@code {"statusCode":…,"count":…,"body":…}}.</li>
 * </ul>
 * Build one per container with {@link #fromEnvironment} and keep it: it holds the clients and
 * threads every invocation shares. It is thread-safe. The generic Lambda handler
 * ({@code dev.loadsplitter.lambda.LoadSplitterHandler}) builds one for the task type it finds;
 * build one yourself only to wire the engine into a handler of your own.
 */
public interface LoadSplitter extends AutoCloseable {

    /**
     * Builds the engine for {@code type} from the function's environment: the settings in
     * {@link dev.loadsplitter.engine.config.Settings}, and on the first split the SQS client
     * and work queue.
     *
     * @param environment the function's environment variables, {@code System.getenv()} on Lambda
     * @throws dev.loadsplitter.engine.config.InvalidSettingException naming a malformed variable
     */
    static <T> LoadSplitter fromEnvironment(TaskType<T> type, Map<String, String> environment) {
        return Wiring.fromEnvironment(type, environment);
    }

    /** Handles one invocation's payload and returns the JSON answer. */
    byte[] handle(byte[] input, Invocation invocation) throws IOException;

    /** Reads the whole input, handles it and writes the JSON answer. */
    default void handle(InputStream input, OutputStream output, Invocation invocation) throws IOException {
        output.write(handle(input.readAllBytes(), invocation));
    }

    /** Releases what the engine built for this container. */
    @Override
    void close();
}
