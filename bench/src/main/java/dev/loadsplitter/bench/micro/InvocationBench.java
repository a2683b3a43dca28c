package dev.loadsplitter.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.bench.Events;
import dev.loadsplitter.engine.internal.queue.LambdaSqsEvents;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.lambda.LoadSplitterHandler;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What one SQS invocation of one-tag sub-tasks costs besides the endpoint: the emulator writing the
 * event, the handler reading and processing it (delay 0), the whole local invoke (container,
 * context, log lines), and the emulator reading the partial-batch response.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InvocationBench {

    /** Nothing in these invocations sends, so the queue is never reached. */
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "QUEUE_URL", "http://127.0.0.1:9/000000000000/micro",
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "x",
            "AWS_SECRET_ACCESS_KEY", "x",
            "PROCESSING_DELAY", "0",
            // Each iteration redelivers the same message ids; with an idempotency store they would be skipped.
            "IDEMPOTENCY", "off");

    @Param({"1", "10"})
    public int records;

    private final ObjectMapper json = EventJson.create();
    private List<Message> messages;
    private byte[] event;
    private byte[] response;
    private LoadSplitterHandler handler;
    private FunctionRuntime runtime;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        messages = SubTaskMessages.oneTagMessages(records);
        event = json.writeValueAsBytes(
                LambdaSqsEvents.event(messages, "arn:aws:sqs:us-east-1:000000000000:micro", "us-east-1"));
        handler = new LoadSplitterHandler(ENVIRONMENT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        response = out.toByteArray();
        if (!new String(response, StandardCharsets.UTF_8).contains("batchItemFailures")) {
            throw new IllegalStateException("unexpected response: " + new String(response, StandardCharsets.UTF_8));
        }
        runtime = FunctionRuntime.builder(new FunctionDefinition(
                        "micro",
                        LocalSettings.HANDLER,
                        Events.FUNCTION_JAR.toAbsolutePath(),
                        1024,
                        Duration.ofSeconds(60),
                        ENVIRONMENT))
                .arn("arn:aws:lambda:us-east-1:000000000000:function:micro")
                .reservedConcurrency(4)
                .clock(Clock.systemUTC())
                .functionLog(dev.loadsplitter.local.container.FunctionLog.none())
                .listener(InvocationListener.none())
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        handler.close();
        runtime.close();
    }

    /** The emulator's side, before: the Lambda SQS event, as bytes. */
    @Benchmark
    public byte[] writeEvent() throws Exception {
        return json.writeValueAsBytes(
                LambdaSqsEvents.event(messages, "arn:aws:sqs:us-east-1:000000000000:micro", "us-east-1"));
    }

    /** The function's side: read the event, process each record (delay 0), write the response. */
    @Benchmark
    public byte[] handle() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return out.toByteArray();
    }

    /** A new container's first invocation: the handler's constructor (settings, JSON mapper, task type), then the event. */
    @Benchmark
    public byte[] coldHandle() throws Exception {
        try (LoadSplitterHandler fresh = new LoadSplitterHandler(ENVIRONMENT)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            fresh.handleRequest(new ByteArrayInputStream(event), out, null);
            return out.toByteArray();
        }
    }

    /** The whole local invoke of the shaded jar: container, context, the function, START/END/REPORT lines. */
    @Benchmark
    public InvocationResult invokeInRuntime() {
        InvocationResult result = runtime.invoke(event, Trigger.SQS);
        if (!(result instanceof InvocationResult.Success)) {
            throw new IllegalStateException("invocation failed: " + result);
        }
        return result;
    }

    /** The emulator's side, after: reading batchItemFailures from the response. */
    @Benchmark
    public JsonNode readResponse() throws Exception {
        return json.readTree(response).get("batchItemFailures");
    }
}
