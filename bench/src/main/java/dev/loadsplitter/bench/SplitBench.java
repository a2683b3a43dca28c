package dev.loadsplitter.bench;

import dev.loadsplitter.sqs.EmbeddedSqs;
import dev.loadsplitter.function.LoadSplitterHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * How long the function takes to split an N-tag CreateTags event onto an embedded ElasticMQ
 * queue, against the sample's way (one {@code SendMessage} per tag, queue looked up each time).
 *
 * <p>Usage: {@code SplitBench 1000,10000 [sendConcurrency,…]}. Each figure is the median of 5
 * runs after 2 warm-up runs, each run on a fresh queue.
 */
public final class SplitBench {

    private static final int WARMUP = 2;
    private static final int RUNS = 5;
    private static final AtomicInteger QUEUES = new AtomicInteger();

    private SplitBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = parse(args.length > 0 ? args[0] : "1000,10000");
        List<Integer> concurrencies = parse(args.length > 1 ? args[1] : "8");
        String template = Files.readString(Path.of(System.getProperty("user.dir")).resolve(
                Files.exists(Path.of("examples")) ? "examples" : "../examples").resolve("events/create-tags-1.json"));
        System.err.printf(Locale.ROOT, "JVM %s, %d cores, max heap %d MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        List<String> rows = new ArrayList<>();
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            for (int size : sizes) {
                String event = withTags(template, size);
                for (int concurrency : concurrencies) {
                    double millis = medianMillis(sqs, event, size, Map.of("SEND_CONCURRENCY", Integer.toString(concurrency)));
                    rows.add(row("load-splitter, SEND_CONCURRENCY=" + concurrency, size, millis));
                }
                if (size <= 1_000) {
                    rows.add(row("sample's way: SendMessage per tag", size, sampleWayMillis(sqs, event, size)));
                }
            }
        }
        System.out.println("| approach | tags | split time (median of " + RUNS + ") | tags/s |");
        System.out.println("|---|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static String row(String approach, int size, double millis) {
        return String.format(Locale.ROOT, "| %s | %,d | %,.0f ms | %,.0f |", approach, size, millis, size / (millis / 1000));
    }

    private static double medianMillis(EmbeddedSqs sqs, String event, int size, Map<String, String> extra)
            throws Exception {
        List<Double> times = new ArrayList<>();
        for (int run = 0; run < WARMUP + RUNS; run++) {
            EmbeddedSqs.QueuePair queues = sqs.createQueues("bench-" + QUEUES.incrementAndGet(), 5, Duration.ofMinutes(5));
            Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
            environment.put("PROCESSING_DELAY", "0");
            // One flat split: this measures send throughput, not the hierarchical fan-out.
            environment.put("FAN_OUT_LIMIT", "1000000");
            environment.putAll(extra);
            try (LoadSplitterHandler handler = new LoadSplitterHandler(environment)) {
                // The first invocation builds the SQS client; a warm container has it already.
                invoke(handler, withTags(event, 2));
                long start = System.nanoTime();
                String response = invoke(handler, event);
                double millis = (System.nanoTime() - start) / 1e6;
                if (!response.contains("into '" + size + "' queued messages")) {
                    throw new IllegalStateException("unexpected response " + response);
                }
                if (run >= WARMUP) {
                    times.add(millis);
                }
            }
            check(sqs, queues.url(), size + 2);
            sqs.client().deleteQueue(r -> r.queueUrl(queues.url()));
        }
        return median(times);
    }

    /** The sample's loop: look the queue up, then one SendMessage, per tag. */
    private static double sampleWayMillis(EmbeddedSqs sqs, String event, int size) {
        List<Double> times = new ArrayList<>();
        for (int run = 0; run < WARMUP + RUNS; run++) {
            EmbeddedSqs.QueuePair queues = sqs.createQueues("sample-" + QUEUES.incrementAndGet(), 5, Duration.ofMinutes(5));
            String name = queues.url().substring(queues.url().lastIndexOf('/') + 1);
            long start = System.nanoTime();
            for (int i = 0; i < size; i++) {
                String url = sqs.client().getQueueUrl(r -> r.queueName(name)).queueUrl();
                sqs.client().sendMessage(r -> r.queueUrl(url).messageBody(event));
            }
            double millis = (System.nanoTime() - start) / 1e6;
            if (run >= WARMUP) {
                times.add(millis);
            }
            check(sqs, queues.url(), size);
            sqs.client().deleteQueue(r -> r.queueUrl(queues.url()));
        }
        return median(times);
    }

    private static void check(EmbeddedSqs sqs, String queueUrl, int expected) {
        String count = sqs.client().getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        if (Integer.parseInt(count) != expected) {
            throw new IllegalStateException("expected " + expected + " messages on " + queueUrl + ", found " + count);
        }
    }

    private static String invoke(LoadSplitterHandler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String withTags(String template, int tags) {
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= tags; i++) {
            items.append(i == 1 ? "" : ",").append("{\"key\":\"tag-").append(i).append("\",\"value\":\"v").append(i)
                    .append("\"}");
        }
        return template.replaceFirst("\"tagSet\": \\{\\s*\"items\": \\[[^]]*]", "\"tagSet\": {\"items\": [" + items + "]");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static List<Integer> parse(String csv) {
        List<Integer> values = new ArrayList<>();
        for (String part : csv.split(",")) {
            values.add(Integer.parseInt(part.trim()));
        }
        return values;
    }
}
