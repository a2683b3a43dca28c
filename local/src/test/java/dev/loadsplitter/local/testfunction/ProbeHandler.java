package dev.loadsplitter.local.testfunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function for testing the runtime, packed into its own jar by the tests and loaded like any
 * function. It uses the JDK only. Direct payloads are commands: {@code sleep:MS}, {@code fail:TEXT},
 * {@code env:NAME}, {@code whoami}, {@code context}. For an SQS batch, each record's body decides:
 * {@code ok}, {@code fail} (a batch item failure), {@code sleep:MS}, {@code crash} (the invocation
 * throws), {@code bogus} (the response names a record not in the batch).
 */
public final class ProbeHandler implements RequestStreamHandler {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Pattern RECORD = Pattern.compile("\"messageId\":\"([^\"]+)\",\"receiptHandle\":\"[^\"]*\",\"body\":\"([^\"]*)\"");

    private final Map<String, String> environment;
    private final int instance = INSTANCES.incrementAndGet();

    public ProbeHandler(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String payload = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        String response = payload.contains("\"Records\"") ? batch(payload) : command(payload.trim(), context);
        output.write(response.getBytes(StandardCharsets.UTF_8));
    }

    private String command(String command, Context context) {
        if (command.startsWith("sleep:")) {
            sleep(Long.parseLong(command.substring("sleep:".length())));
            return "{\"instance\":" + instance + "}";
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
        return "{\"instance\":" + instance + ",\"loader\":\"" + getClass().getClassLoader().getName() + "\"}";
    }

    private String batch(String payload) {
        List<String> failed = new ArrayList<>();
        Matcher record = RECORD.matcher(payload);
        while (record.find()) {
            String body = record.group(2);
            if (body.startsWith("sleep:")) {
                sleep(Long.parseLong(body.substring("sleep:".length())));
            }
            switch (body) {
                case "fail" -> failed.add(record.group(1));
                case "crash" -> throw new IllegalStateException("crash requested by " + record.group(1));
                case "bogus" -> failed.add("not-in-this-batch");
                default -> { }
            }
        }
        StringBuilder json = new StringBuilder("{\"batchItemFailures\":[");
        for (int i = 0; i < failed.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"itemIdentifier\":\"").append(failed.get(i)).append("\"}");
        }
        return json.append("]}").toString();
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
