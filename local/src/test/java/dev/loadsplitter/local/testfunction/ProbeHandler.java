package dev.loadsplitter.local.testfunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * A function for testing the runtime, packed into its own jar by the tests and loaded like any
 * function. It uses the JDK only, and the AWS SDK's {@code SdkInternalThreadLocal} (packed beside it)
 * where the SDK finds an invocation's trace header. Direct payloads are commands: {@code sleep:MS},
 * {@code fail:TEXT}, {@code env:NAME}, {@code whoami}, {@code context}, {@code bytes:N} (a response of
 * exactly N bytes), {@code meet:N:DIR} (wait, up to 10 s, until N invocations have arrived in DIR:
 * proof they ran at once), {@code block:DIR} (wait, up to 60 s, until the test creates DIR/release),
 * {@code trace} (the trace header the invocation's thread, a child thread and the context see) and
 * {@code calls:N ENDPOINT QUEUE_URL} (N SQS {@code SendMessage} calls from a child thread, in the JSON
 * protocol, each with the trace header as the SDK sends it; it goes on after a failed call, and after
 * its invocation was ended). For an SQS batch, each record's body decides:
 * {@code ok}, {@code fail} (a batch item failure), {@code sleep:MS}, {@code block:DIR}, {@code crash} (the invocation
 * throws), {@code bogus} (the response names a record not in the batch).
 */
public final class ProbeHandler implements RequestStreamHandler {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Pattern RECORD =
            Pattern.compile("\"messageId\":\"([^\"]+)\",\"receiptHandle\":\"[^\"]*\",\"body\":\"([^\"]*)\"");

    private final Map<String, String> environment;
    private final int instance = INSTANCES.incrementAndGet();

    public ProbeHandler(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String payload = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        String response = payload.contains("\"Records\"") ? batch(payload) : command(unquoted(payload.trim()), context);
        output.write(response.getBytes(StandardCharsets.UTF_8));
    }

    /** A command sent as a JSON string (as the Invoke API requires JSON) is the same command. */
    private static String unquoted(String payload) {
        return payload.length() >= 2 && payload.startsWith("\"") && payload.endsWith("\"")
                ? payload.substring(1, payload.length() - 1)
                : payload;
    }

    private String command(String command, Context context) {
        if (command.startsWith("sleep:")) {
            sleep(Long.parseLong(command.substring("sleep:".length())));
            return "{\"instance\":" + instance + "}";
        }
        if (command.startsWith("meet:")) {
            String[] parts = command.split(":", 3);
            return "{\"instance\":" + instance + ",\"met\":" + meet(Integer.parseInt(parts[1]), Path.of(parts[2]))
                    + "}";
        }
        if (command.startsWith("block:")) {
            Path release = Path.of(command.substring("block:".length())).resolve("release");
            waitFor(() -> Files.exists(release), 60_000);
            return "{\"released\":" + Files.exists(release) + "}";
        }
        if (command.startsWith("bytes:")) {
            // A JSON string of exactly N bytes, quotes included.
            return "\"" + "x".repeat(Integer.parseInt(command.substring("bytes:".length())) - 2) + "\"";
        }
        if (command.startsWith("fail:")) {
            throw new IllegalStateException(command.substring("fail:".length()));
        }
        if (command.startsWith("env:")) {
            return "{\"value\":\"" + environment.get(command.substring("env:".length())) + "\"}";
        }
        if (command.equals("trace")) {
            return "{\"main\":\"" + SdkInternalThreadLocal.get(TRACE_ID_KEY) + "\",\"child\":\""
                    + onChildThread(() -> SdkInternalThreadLocal.get(TRACE_ID_KEY)) + "\",\"context\":\""
                    + context.getXrayTraceId() + "\"}";
        }
        if (command.startsWith("calls:")) {
            String[] parts = command.substring("calls:".length()).split(" ");
            return onChildThread(() -> sendMessages(Integer.parseInt(parts[0]), URI.create(parts[1]), parts[2]));
        }
        if (command.equals("context")) {
            return "{\"requestId\":\"" + context.getAwsRequestId() + "\",\"function\":\"" + context.getFunctionName()
                    + "\",\"remaining\":" + context.getRemainingTimeInMillis() + ",\"memory\":"
                    + context.getMemoryLimitInMB() + ",\"arn\":\"" + context.getInvokedFunctionArn() + "\"}";
        }
        return "{\"instance\":" + instance + ",\"loader\":\""
                + getClass().getClassLoader().getName() + "\"}";
    }

    private String batch(String payload) {
        List<String> failed = new ArrayList<>();
        Matcher record = RECORD.matcher(payload);
        while (record.find()) {
            String body = record.group(2);
            if (body.startsWith("sleep:")) {
                sleep(Long.parseLong(body.substring("sleep:".length())));
            }
            if (body.startsWith("block:")) {
                Path release = Path.of(body.substring("block:".length())).resolve("release");
                waitFor(() -> Files.exists(release), 60_000);
            }
            switch (body) {
                case "fail" -> failed.add(record.group(1));
                case "crash" -> throw new IllegalStateException("crash requested by " + record.group(1));
                case "bogus" -> failed.add("not-in-this-batch");
                default -> {}
            }
        }
        StringBuilder json = new StringBuilder("{\"batchItemFailures\":[");
        for (int i = 0; i < failed.size(); i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"itemIdentifier\":\"")
                    .append(failed.get(i))
                    .append("\"}");
        }
        return json.append("]}").toString();
    }

    private static final String TRACE_ID_KEY = "AWS_LAMBDA_X_TRACE_ID";

    /** Runs {@code work} on a child virtual thread, as the engine's thread-per-task executor does, and waits. */
    private static String onChildThread(java.util.concurrent.Callable<String> work) {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> result = executor.submit(work);
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** What the AWS SDK would send for {@code count} SendMessage calls, trace header included. */
    private static String sendMessages(int count, URI endpoint, String queueUrl) {
        int sent = 0;
        int failed = 0;
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < count; i++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", "application/x-amz-json-1.0")
                        .header("X-Amz-Target", "AmazonSQS.SendMessage")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"QueueUrl\":\"" + queueUrl + "\",\"MessageBody\":\"call-" + i + "\"}"));
                String trace = SdkInternalThreadLocal.get(TRACE_ID_KEY);
                if (trace != null) {
                    request.header("X-Amzn-Trace-Id", trace);
                }
                try {
                    int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (status == 200) {
                        sent++;
                    } else {
                        failed++;
                    }
                } catch (IOException e) {
                    failed++;
                } catch (InterruptedException e) {
                    // A container whose invocation was ended goes on regardless, as a function that swallows
                    // interrupts would.
                    failed++;
                }
            }
        }
        return "{\"sent\":" + sent + ",\"failed\":" + failed + "}";
    }

    /** Leaves a mark in {@code dir} and waits for {@code count} marks; false when they did not all come. */
    private boolean meet(int count, Path dir) {
        try {
            Files.createFile(dir.resolve("arrived-" + instance + "-" + System.identityHashCode(this)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return waitFor(
                () -> {
                    try (var marks = Files.list(dir)) {
                        return marks.count() >= count;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                10_000);
    }

    private static boolean waitFor(BooleanSupplier condition, long millis) {
        for (long waited = 0; waited < millis && !condition.getAsBoolean(); waited += 10) {
            sleep(10);
        }
        return condition.getAsBoolean();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
