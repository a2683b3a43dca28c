package dev.loadsplitter.bench;

import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.lambda.LoadSplitterHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs in a fresh JVM and prints how long after the JVM's start the first answer came:
 * {@code function EVENT} invokes the function's handler once (delay 0); {@code sdk ENDPOINT} builds
 * a bare SQS client, the same lean one, and makes its first call.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        switch (args[0]) {
            case "function" -> {
                LoadSplitterHandler handler = new LoadSplitterHandler(Map.of("PROCESSING_DELAY", "0"));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(Path.of(args[1]))), out, null);
                if (!out.toString().contains("\"statusCode\":200")) {
                    throw new IllegalStateException("unexpected answer " + out);
                }
            }
            case "sdk" -> {
                try (var sqs = AwsClients.sqs(Map.of(
                        "AWS_ENDPOINT_URL_SQS",
                        args[1],
                        "AWS_REGION",
                        "us-east-1",
                        "AWS_ACCESS_KEY_ID",
                        "x",
                        "AWS_SECRET_ACCESS_KEY",
                        "x"))) {
                    sqs.listQueues();
                }
            }
            case "sdk-apache5", "sdk-crt", "sdk-url-connection" -> {
                try (var sqs = HttpClients.sqs(args[0].substring("sdk-".length()), args[1])) {
                    sqs.listQueues();
                }
            }
            case "sdk-crt-async" -> {
                try (var sqs = AsyncCrtSender.client(args[1])) {
                    sqs.listQueues().join();
                }
            }
            default -> throw new IllegalArgumentException("function EVENT or sdk ENDPOINT");
        }
        System.out.println(System.currentTimeMillis() - jvmStart);
    }
}
