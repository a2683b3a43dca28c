package dev.loadsplitter.bench;

import dev.loadsplitter.lambda.LoadSplitterHandler;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;

/** a) Split throughput: the function's split against a plain SendMessage loop and a raw batch loop. */
final class SplitThroughput {

    private final Measurements measurements;

    SplitThroughput(Measurements measurements) {
        this.measurements = measurements;
    }

    void measure(EmbeddedSqs sqs) throws Exception {
        for (int size : List.of(1_000, 10_000)) {
            String event = Events.createTags(size, "split-" + size);
            Map<String, Double> medians = Harness.interleaved(
                    3,
                    Map.of(
                            "ours", () -> oursSplit(sqs, event, size),
                            "raw", () -> rawBatchSend(sqs, size)));
            double ours = medians.get("ours");
            double raw = medians.get("raw");
            double plain = plainLoop(sqs, size);
            String n = String.format(Locale.ROOT, "%,d items", size);
            measurements.add(
                    "a) split",
                    "Load Splitter, " + n,
                    Measurements.perSecond(size / (ours / 1000)),
                    Measurements.millis(ours) + " median of 3, one flat split",
                    "split_" + size + "_ours_per_s",
                    size / (ours / 1000));
            measurements.add(
                    "a) split",
                    "plain SendMessage loop, " + n,
                    Measurements.perSecond(size / (plain / 1000)),
                    Measurements.millis(plain) + ", GetQueueUrl + SendMessage per item, as the sample",
                    "split_" + size + "_plain_per_s",
                    size / (plain / 1000));
            measurements.add(
                    "a) split",
                    "raw SendMessageBatch, " + n,
                    Measurements.perSecond(size / (raw / 1000)),
                    Measurements.millis(raw) + " median of 3, 16 calls in flight, bodies prebuilt",
                    "split_" + size + "_raw_per_s",
                    size / (raw / 1000));
            measurements.add(
                    "a) split",
                    "ours ÷ plain, " + n,
                    Measurements.ratio(plain / ours),
                    "",
                    "split_" + size + "_ours_over_plain",
                    plain / ours);
            measurements.add(
                    "a) split",
                    "ours ÷ raw, " + n,
                    Measurements.ratio(raw / ours),
                    "goal ≥ 0.7",
                    "split_" + size + "_ours_over_raw",
                    raw / ours);
        }
    }

    private double oursSplit(EmbeddedSqs sqs, String event, int size) throws Exception {
        return Harness.onFreshQueue(sqs, "bench", queues -> oursSplit(sqs, queues, event, size));
    }

    private double oursSplit(EmbeddedSqs sqs, EmbeddedSqs.QueuePair queues, String event, int size) throws Exception {
        Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
        environment.put("PROCESSING_DELAY", "0");
        environment.put("FAN_OUT_LIMIT", "1000000");
        // To compare settings: SEND_CONCURRENCY=16 ./mvnw -B -Pbench -pl bench -am verify -DskipTests
        // -Dbench.only=split
        Optional.ofNullable(System.getenv("SEND_CONCURRENCY")).ifPresent(v -> environment.put("SEND_CONCURRENCY", v));
        try (LoadSplitterHandler handler = new LoadSplitterHandler(environment)) {
            invoke(handler, Events.createTags(2, "warm")); // a warm container has built its client
            long start = System.nanoTime();
            String response = invoke(handler, event);
            double millis = (System.nanoTime() - start) / 1e6;
            if (!response.contains("into '" + size + "' queued messages")) {
                throw new IllegalStateException("unexpected response " + response);
            }
            return millis;
        }
    }

    private double plainLoop(EmbeddedSqs sqs, int size) throws Exception {
        return Harness.onFreshQueue(sqs, "plain", queues -> {
            String name = queues.url().substring(queues.url().lastIndexOf('/') + 1);
            String body = Events.createTags(1, "plain");
            try (SqsClient client = sqs.clientBuilder().build()) {
                long start = System.nanoTime();
                for (int i = 0; i < size; i++) {
                    String url = client.getQueueUrl(r -> r.queueName(name)).queueUrl();
                    client.sendMessage(r -> r.queueUrl(url).messageBody(body));
                }
                return (System.nanoTime() - start) / 1e6;
            }
        });
    }

    private double rawBatchSend(EmbeddedSqs sqs, int size) throws Exception {
        return Harness.onFreshQueue(sqs, "raw", queues -> DispatchOverRaw.sendRaw(sqs, queues.url(), size));
    }

    private static String invoke(LoadSplitterHandler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }
}
