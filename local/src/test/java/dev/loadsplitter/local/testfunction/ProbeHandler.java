package dev.loadsplitter.local.testfunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function for testing the runtime, packed into its own jar by the tests and loaded like any
 * function. It uses the JDK only. Direct payloads are commands: {@code sleep:MS}, {@code fail:TEXT},
 * {@code env:NAME}, {@code whoami}, {@code context}, {@code bytes:N} (a response of exactly N bytes), {@code meet:N:DIR} (wait, up to 10 s, until
 * N invocations have arrived in DIR: proof they ran at once) and {@code block:DIR} (wait, up to
 * 60 s, until the test creates DIR/release). For an SQS batch, each record's body decides:
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
