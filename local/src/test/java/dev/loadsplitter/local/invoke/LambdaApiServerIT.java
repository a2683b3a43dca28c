package dev.loadsplitter.local.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.testfunction.FunctionJars;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Invoke API's payload limits at Lambda's exact thresholds, each tried on both sides: 6 MB
 * (6,291,456 bytes) for a synchronous request and its response, 1 MB (1,048,576 bytes) for an
 * asynchronous request.
 */
class LambdaApiServerIT {

    private static final int SIX_MB = 6 * 1024 * 1024;
    private static final int ONE_MB = 1024 * 1024;

    @TempDir
    static Path dir;

    private static FunctionRuntime function;
    private static AsyncInvoker async;
    private static LambdaApiServer api;
    private static final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        FunctionDefinition definition = new FunctionDefinition(
                "probe",
                "dev.loadsplitter.local.testfunction.ProbeHandler::handleRequest",
                FunctionJars.probeJar(dir),
                512,
                Duration.ofSeconds(30),
                Map.of());
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:probe";
        function = FunctionRuntime.builder(definition)
                .arn(arn)
                .reservedConcurrency(10)
                .clock(Clock.systemUTC())
                .functionLog((requestId, at, message) -> {})
                .listener(new InvocationListener() {})
                .build();
        async = AsyncInvoker.start(
                function,
                AsyncSettings.lambdaDefaults(Duration.ofSeconds(1), AsyncSettings.DEFAULT_MAX_EVENT_AGE),
                Clock.systemUTC(),
                Sleeper.system(),
                AsyncEventStore.memory(),
                failed -> {});
        api = LambdaApiServer.start("127.0.0.1", 0, function, async, arn);
    }

    @AfterAll
    static void stop() {
        api.close();
        async.close();
        function.close();
    }

    /** A JSON string of exactly {@code bytes} bytes, quotes included. */
    private static byte[] jsonOf(int bytes) {
        return ("\"" + "a".repeat(bytes - 2) + "\"").getBytes(StandardCharsets.US_ASCII);
    }

    private static HttpResponse<byte[]> invoke(String type, byte[] payload) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + api.port() + "/2015-03-31/functions/probe/invocations"))
                        .header("X-Amz-Invocation-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private void assertTooLarge(HttpResponse<byte[]> response, String message) throws Exception {
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("X-Amzn-ErrorType")).contains("RequestEntityTooLargeException");
        assertThat(json.readTree(response.body()).path("Message").asText()).isEqualTo(message);
    }

    @Test
    void aSynchronousRequestOfSixMegabytesIsInvokedAndOneByteMoreIsRefusedWith413() throws Exception {
        HttpResponse<byte[]> atTheLimit = invoke("RequestResponse", jsonOf(SIX_MB));
        HttpResponse<byte[]> over = invoke("RequestResponse", jsonOf(SIX_MB + 1));

        assertThat(atTheLimit.statusCode()).isEqualTo(200);
        assertThat(atTheLimit.headers().firstValue("X-Amz-Function-Error")).isEmpty();
        assertTooLarge(
                over,
                "6291457 byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes). "
                        + "Pass a larger input by reference (an S3 object, say).");
        assertThat(invoke("DryRun", jsonOf(SIX_MB + 1)).statusCode())
                .as("DryRun, a synchronous request too")
                .isEqualTo(413);
    }

    @Test
    void anAsynchronousRequestOfOneMegabyteIsAcceptedAndOneByteMoreIsRefusedWith413() throws Exception {
        HttpResponse<byte[]> atTheLimit = invoke("Event", jsonOf(ONE_MB));
        HttpResponse<byte[]> over = invoke("Event", jsonOf(ONE_MB + 1));

        assertThat(atTheLimit.statusCode()).isEqualTo(202);
        assertTooLarge(
                over,
                "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes). Pass a larger "
                        + "input by reference (an S3 object, say) or invoke synchronously (up to 6291456 bytes).");
    }

    @Test
    void aSynchronousResponseOfSixMegabytesIsReturnedAndOneByteMoreIsAFunctionError() throws Exception {
        HttpResponse<byte[]> atTheLimit =
                invoke("RequestResponse", "\"bytes:6291456\"".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> over = invoke("RequestResponse", "\"bytes:6291457\"".getBytes(StandardCharsets.UTF_8));

        assertThat(atTheLimit.statusCode()).isEqualTo(200);
        assertThat(atTheLimit.headers().firstValue("X-Amz-Function-Error")).isEmpty();
        assertThat(atTheLimit.body()).hasSize(SIX_MB);
        assertThat(over.statusCode())
                .as("the function ran: Lambda answers 200 with a function error")
                .isEqualTo(200);
        assertThat(over.headers().firstValue("X-Amz-Function-Error")).contains("Unhandled");
        JsonNode error = json.readTree(over.body());
        assertThat(error.path("errorType").asText()).isEqualTo("Function.ResponseSizeTooLarge");
        assertThat(error.path("errorMessage").asText())
                .isEqualTo(
                        "Response payload size (6291457 bytes) exceeded maximum allowed payload size (6291456 bytes).");
    }
}
