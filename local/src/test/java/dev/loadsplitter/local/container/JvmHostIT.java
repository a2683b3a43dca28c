package dev.loadsplitter.local.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any Java Lambda jar, run as Lambda runs it: test-functions' plain handlers (none of them ours,
 * aws-lambda-java-events inside the jar) in a JVM of the function's own, through Lambda's runtime
 * interface client.
 */
class JvmHostIT {

    static final Path PLAIN_JAR = Path.of("..", "test-functions", "target", "plain-lambda.jar");
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:plain";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<FunctionRuntime> runtimes = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<InvocationListener.Started> started = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() {
        runtimes.forEach(FunctionRuntime::close);
    }

    private FunctionRuntime runtime(String handler, Duration timeout, Map<String, String> environment) {
        FunctionDefinition definition =
                new FunctionDefinition("plain", handler, PLAIN_JAR, 256, timeout, environment, Isolation.AUTO);
        FunctionRuntime runtime = FunctionRuntime.builder(definition)
                .arn(ARN)
                .reservedConcurrency(10)
                .clock(Clock.systemUTC())
                .functionLog((requestId, at, message) -> events.add(requestId + "|" + message))
                .listener(new InvocationListener() {
                    @Override
                    public void started(Started s) {
                        started.add(s);
                    }
                })
                .build();
        runtimes.add(runtime);
        return runtime;
    }

    private static InvocationResult invoke(FunctionRuntime runtime, String payload) {
        return runtime.invoke(payload.getBytes(StandardCharsets.UTF_8), Trigger.SYNC);
    }

    private static JsonNode json(InvocationResult result) throws IOException {
        return JSON.readTree(result.payload());
    }

    /** The SQS event Lambda's mapping would build for messages with these bodies (m0, m1, …). */
    private static String sqsEvent(String... bodies) {
        java.util.List<software.amazon.awssdk.services.sqs.model.Message> messages = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            messages.add(software.amazon.awssdk.services.sqs.model.Message.builder()
                    .messageId("m" + i)
                    .receiptHandle("r")
                    .body(bodies[i])
                    .md5OfBody("x")
                    .build());
        }
        return dev.loadsplitter.engine.internal.queue.LambdaSqsEvents.event(
                        messages, "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1")
                .toString();
    }

    @Test
    void aPlainSqsHandlerGetsAnSqsEventAndAnswersWithBatchItemFailures() throws IOException {
        FunctionRuntime runtime =
                runtime("com.example.SqsHandler::handleRequest", Duration.ofSeconds(10), Map.of("GREETING", "hi"));

        InvocationResult result = invoke(runtime, sqsEvent("one", "poison", "two"));

        assertThat(runtime.isolation()).isEqualTo(Isolation.PROCESS);
        assertThat(json(result).path("batchItemFailures").toString()).isEqualTo("[{\"itemIdentifier\":\"m1\"}]");
        assertThat(events).anyMatch(line -> line.endsWith("|hi one")).anyMatch(line -> line.endsWith("|hi two"));
        assertThat(events).anyMatch(line -> line.endsWith("|cannot digest message m1"));
    }

    @Test
    void mapsPojosRecordsStringsAndNumbersAreSerialisedAsLambdaDoes() throws IOException {
        JsonNode map = json(invoke(
                runtime("com.example.MapHandler::handleRequest", Duration.ofSeconds(10), Map.of("GREETING", "hi")),
                "{\"a\":1,\"b\":[true]}"));
        assertThat(map.path("greeting").asText()).isEqualTo("hi");
        assertThat(map.path("input").toString()).isEqualTo("{\"a\":1,\"b\":[true]}");
        assertThat(map.path("functionName").asText()).isEqualTo("plain");
        assertThat(map.path("memoryLimitInMB").asInt()).isEqualTo(256);
        assertThat(map.path("remainingTimePositive").asBoolean()).isTrue();

        assertThat(json(invoke(
                                runtime("com.example.PojoHandler::handleRequest", Duration.ofSeconds(10), Map.of()),
                                "{\"id\":\"o-1\",\"quantity\":3,\"unitPrice\":2.5}"))
                        .toString())
                .isEqualTo("{\"orderId\":\"o-1\",\"total\":7.5}");
        // Lambda's serializer (aws-lambda-java-serialization 1.2.0) builds beans, not records: on Lambda too a
        // record as input fails, and the local runtime says so the same way.
        assertThat(json(invoke(
                                runtime("com.example.RecordHandler", Duration.ofSeconds(10), Map.of()),
                                "{\"x\":1,\"y\":2}"))
                        .path("errorMessage")
                        .asText())
                .isEqualTo("An error occurred during JSON parsing");
        assertThat(((InvocationResult.Success) invoke(
                                runtime("com.example.StringHandler", Duration.ofSeconds(10), Map.of()), "\"abc\""))
                        .text())
                .isEqualTo("\"ABC\"");
        assertThat(((InvocationResult.Success)
                                invoke(runtime("com.example.IntegerHandler", Duration.ofSeconds(10), Map.of()), "7"))
                        .text())
                .isEqualTo("49");
        assertThat(((InvocationResult.Success) invoke(
                                runtime("com.example.ScheduledHandler", Duration.ofSeconds(10), Map.of()),
                                "{\"id\":\"e\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\","
                                        + "\"time\":\"2026-11-26T12:00:00Z\",\"detail\":{}}"))
                        .text())
                .isEqualTo("\"Scheduled Event from aws.events at 2026\"");
    }

    @Test
    void aMethodOnAClassWithoutAnInterfaceIsAHandlerToo() {
        assertThat(((InvocationResult.Success) invoke(
                                runtime(
                                        "com.example.Greeter::greet",
                                        Duration.ofSeconds(10),
                                        Map.of("GREETING", "hej")),
                                "{\"name\":\"Ada\"}"))
                        .text())
                .isEqualTo("\"hej, Ada\"");
        assertThat(((InvocationResult.Success)
                                invoke(runtime("com.example.Greeter::echo", Duration.ofSeconds(10), Map.of()), "[1]"))
                        .text())
                .isEqualTo("{\"echo\":[1]}");
    }

    @Test
    void theFunctionReadsItsEnvironmentAndLambdasOwnVariablesThroughSystemGetenv() throws IOException {
        FunctionRuntime runtime = runtime(
                "com.example.EnvHandler", Duration.ofSeconds(10), Map.of("GREETING", "hi", "AWS_REGION", "eu-west-1"));

        JsonNode values = json(invoke(
                runtime,
                "[\"GREETING\",\"AWS_LAMBDA_FUNCTION_NAME\",\"AWS_LAMBDA_FUNCTION_MEMORY_SIZE\",\"AWS_REGION\","
                        + "\"AWS_EXECUTION_ENV\",\"_HANDLER\",\"AWS_LAMBDA_LOG_FORMAT\",\"HOME\"]"));

        assertThat(values.path("GREETING").asText()).isEqualTo("hi");
        assertThat(values.path("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo("plain");
        assertThat(values.path("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("256");
        assertThat(values.path("AWS_REGION").asText()).isEqualTo("eu-west-1");
        assertThat(values.path("AWS_EXECUTION_ENV").asText()).isEqualTo("AWS_Lambda_java21");
        assertThat(values.path("_HANDLER").asText()).isEqualTo("com.example.EnvHandler");
        assertThat(values.path("AWS_LAMBDA_LOG_FORMAT").asText()).isEqualTo("Text");
        assertThat(values.path("HOME").isNull() || values.path("HOME").isMissingNode())
                .as("nothing of the runtime's own environment leaks in")
                .isTrue();
    }

    @Test
    void aThrowingConstructorIsAnInitErrorInLambdasShapeAndTheContainerIsNotKept() throws IOException {
        FunctionRuntime runtime = runtime("com.example.BrokenConstructorHandler", Duration.ofSeconds(10), Map.of());

        InvocationResult first = invoke(runtime, "{}");
        InvocationResult second = invoke(runtime, "{}");

        assertThat(first).isInstanceOf(InvocationResult.FunctionError.class);
        InvocationResult.FunctionError error = (InvocationResult.FunctionError) first;
        assertThat(error.initFailed()).isTrue();
        assertThat(error.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.errorMessage()).isEqualTo("TABLE_NAME is not set");
        assertThat(second).isInstanceOf(InvocationResult.FunctionError.class);
        assertThat(runtime.coldStarts()).isZero();
    }

    @Test
    void aMissingClassAWrongShapeAndBadInputGetLambdasErrors() {
        InvocationResult.FunctionError missing = (InvocationResult.FunctionError)
                invoke(runtime("com.example.Missing::handleRequest", Duration.ofSeconds(10), Map.of()), "{}");
        assertThat(missing.errorType()).isEqualTo("java.lang.ClassNotFoundException");
        assertThat(missing.errorMessage()).isEqualTo("Class not found: com.example.Missing");
        assertThat(missing.initFailed()).isTrue();

        InvocationResult.FunctionError shape = (InvocationResult.FunctionError)
                invoke(runtime("com.example.Order::handleRequest", Duration.ofSeconds(10), Map.of()), "{}");
        assertThat(shape.initFailed()).isTrue();
        assertThat(shape.errorType()).isEqualTo("Runtime.BadFunctionCode");
        assertThat(shape.errorMessage())
                .isEqualTo("No public method named handleRequest with appropriate method signature found on class "
                        + "com.example.Order");

        InvocationResult.FunctionError input = (InvocationResult.FunctionError)
                invoke(runtime("com.example.PojoHandler", Duration.ofSeconds(10), Map.of()), "[1,2]");
        assertThat(input.initFailed()).isFalse();
        assertThat(input.errorMessage()).isNotBlank();

        InvocationResult.FunctionError thrown = (InvocationResult.FunctionError) invoke(
                runtime("com.example.PojoHandler", Duration.ofSeconds(10), Map.of()), "{\"id\":\"o\",\"quantity\":-1}");
        assertThat(thrown.errorType()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(thrown.errorMessage()).isEqualTo("quantity must not be negative, got -1");
        assertThat(thrown.stackTrace()).isNotEmpty();
    }

    @Test
    void eachLoggerCallAndEachStdoutLineIsOneEventOfItsRequest() {
        FunctionRuntime runtime = runtime("com.example.LoggingHandler", Duration.ofSeconds(10), Map.of());

        invoke(runtime, "{}");

        String requestId = started.peek().requestId();
        assertThat(events)
                .contains(
                        requestId + "|first call, no newline",
                        requestId + "|second call\nspans two lines",
                        requestId + "|stdout without newline");
    }

    @Test
    void containersOfOneFunctionShareStaticStateButNotTheirInstances(@TempDir Path unused) {
        FunctionRuntime runtime = runtime("com.example.StaticCounter", Duration.ofSeconds(10), Map.of());

        // Two containers at once, then one of them again.
        List<CompletableFuture<InvocationResult>> calls = List.of(
                CompletableFuture.supplyAsync(() -> invoke(runtime, "{}")),
                CompletableFuture.supplyAsync(() -> invoke(runtime, "{}")));
        calls.forEach(CompletableFuture::join);
        String third = ((InvocationResult.Success) invoke(runtime, "{}")).text();

        assertThat(third).contains("\"static\":3").contains("\"instance\":");
    }

    @Test
    void aTimedOutInvocationIsLambdasTimeoutAndItsContainerIsReplaced() {
        FunctionRuntime runtime =
                runtime("com.example.SqsHandler", Duration.ofMillis(500), Map.of("SLEEP_MS", "60000"));

        InvocationResult result = invoke(runtime, sqsEvent("slow"));
        InvocationResult next = invoke(runtime, "not an SQS event");

        assertThat(result).isEqualTo(new InvocationResult.TimedOut(Duration.ofMillis(500)));
        assertThat(started).extracting(InvocationListener.Started::coldStart).containsExactly(true, true);
        assertThat(next).isInstanceOf(InvocationResult.FunctionError.class);
    }

    @Test
    void aFileThatIsNotAJarIsRefusedAsLambdaRefusesIt(@TempDir Path dir) throws IOException {
        Path notAJar = Files.writeString(dir.resolve("function.jar"), "not a zip");

        assertThatThrownBy(() -> new FunctionDefinition(
                        "plain", "com.example.SqsHandler", notAJar, 256, Duration.ofSeconds(1), Map.of()))
                .hasMessageContaining("is not a jar (zip) file")
                .hasMessageContaining(notAJar.toAbsolutePath().toString());
    }
}
