package dev.loadsplitter.bench;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loadsplitter.engine.internal.queue.LambdaSqsEvents;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionLog;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.esm.EventSourceMapping;
import dev.loadsplitter.local.fault.InvocationIdentity;
import dev.loadsplitter.sqs.EmbeddedSqs;
import dev.loadsplitter.sqs.SqsBatches;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * c) Zero-work dispatch: the ESM emulator and the function draining one-tag sub-tasks, against a raw
 * receive-and-delete loop on the same queue contents.
 */
final class DispatchOverRaw {

    /** How long a drain may take before the bench stops with what it saw, rather than hang. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);

    private final Measurements measurements;

    DispatchOverRaw(Measurements measurements) {
        this.measurements = measurements;
    }

    void measure(EmbeddedSqs sqs) throws Exception {
        measure(sqs, 10_000, 3);
    }

    /**
     * Ours ÷ raw at batch size 1 and 10 (rates), and the raw drain's milliseconds, medians of
     * {@code rounds} after a warm-up round.
     */
    Ratios measure(EmbeddedSqs sqs, int size, int rounds) throws Exception {
        Map<String, Double> medians = Harness.interleaved(
                rounds,
                Map.of(
                        "ours", () -> emulatorDrain(sqs, size, 1),
                        "ours10", () -> emulatorDrain(sqs, size, 10),
                        "raw", () -> rawReceiveDelete(sqs, size),
                        "invoke", () -> invocationsAlone(sqs, size)));
        double ours = medians.get("ours");
        double invoke = medians.get("invoke");
        double ours10 = medians.get("ours10");
        double raw = medians.get("raw");
        measurements.add(
                "c) dispatch",
                "ESM emulator + function, delay 0, batch size 10",
                Measurements.perSecond(size / (ours10 / 1000)),
                String.format(
                        Locale.ROOT,
                        "%,d one-tag sub-tasks in %,.0f ms (median of 3), concurrency 1,000",
                        size,
                        ours10),
                "dispatch_ours_batch10_per_s",
                size / (ours10 / 1000));
        measurements.add(
                "c) dispatch",
                "ours (batch size 10) ÷ raw",
                Measurements.ratio(raw / ours10),
                "goal ≥ 0.7",
                "dispatch_ours_batch10_over_raw",
                raw / ours10);
        measurements.add(
                "c) dispatch",
                "ESM emulator + function, delay 0",
                Measurements.perSecond(size / (ours / 1000)),
                String.format(
                        Locale.ROOT,
                        "%,d one-tag sub-tasks in %,.0f ms (median of 3), batch size 1, concurrency 1,000",
                        size,
                        ours),
                "dispatch_ours_per_s",
                size / (ours / 1000));
        measurements.add(
                "c) dispatch",
                "raw ReceiveMessage + DeleteMessageBatch",
                Measurements.perSecond(size / (raw / 1000)),
                String.format(Locale.ROOT, "%,d messages in %,.0f ms (median of 3), 16 threads", size, raw),
                "dispatch_raw_per_s",
                size / (raw / 1000));
        measurements.add(
                "c) dispatch",
                "ours ÷ raw",
                Measurements.ratio(raw / ours),
                "goal ≥ 0.7",
                "dispatch_ours_over_raw",
                raw / ours);
        measurements.add(
                "c) dispatch",
                "the batch-size-1 invocations alone, no SQS",
                Measurements.perSecond(size / (invoke / 1000)),
                String.format(
                        Locale.ROOT,
                        "%,d invocations of one record in %,.0f ms (median of 3), concurrency 1,000; "
                                + "ours ÷ raw at batch size 1 can be at most raw ÷ (raw + this) = %.2f on a CPU-bound machine",
                        size,
                        invoke,
                        raw / (raw + invoke)),
                "dispatch_invocations_alone_per_s",
                size / (invoke / 1000));
        return new Ratios(raw / ours, raw / ours10, raw, raw / (raw + invoke));
    }

    /**
     * What {@link #measure(EmbeddedSqs, int, int)} found.
     *
     * @param batch1 ours ÷ raw at batch size 1
     * @param batch10 ours ÷ raw at batch size 10
     * @param rawMillis the raw receive-and-delete drain of the same messages
     * @param batch1Ceiling raw ÷ (raw + the batch-size-1 invocations alone): what batch1 could reach if
     *     the mapping cost nothing beyond the raw drain's SQS calls and the invocations themselves
     */
    record Ratios(double batch1, double batch10, double rawMillis, double batch1Ceiling) {}

    private double emulatorDrain(EmbeddedSqs sqs, int size, int batchSize) throws Exception {
        return Harness.onFreshQueue(sqs, "dispatch", queues -> emulatorDrain(sqs, queues, size, batchSize));
    }

    private double emulatorDrain(EmbeddedSqs sqs, EmbeddedSqs.QueuePair queues, int size, int batchSize)
            throws Exception {
        sendRaw(sqs, queues.url(), size);
        Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
        environment.put("PROCESSING_DELAY", "0");
        FunctionDefinition definition = new FunctionDefinition(
                "load-splitter", LocalSettings.HANDLER, Events.FUNCTION_JAR, 1024, Duration.ofSeconds(60), environment);
        PrintStream out = System.out;
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));
        CallCounter counter = new CallCounter();
        try (SqsClient client = sqs.clientBuilder()
                        .httpClient(
                                Apache5HttpClient.builder().maxConnections(64).build())
                        .overrideConfiguration(
                                o -> o.addExecutionInterceptor(counter).retryStrategy(AwsRetryStrategy.doNotRetry()))
                        .build();
                FunctionRuntime function = FunctionRuntime.builder(definition)
                        .arn("arn:aws:lambda:us-east-1:000000000000:function:x")
                        .reservedConcurrency(1_010)
                        .clock(Clock.systemUTC())
                        .functionLog(FunctionLog.none())
                        .listener(InvocationListener.none())
                        .build();
                EventSourceMapping mapping = EventSourceMapping.builder()
                        .queue(client, queues.url(), queues.arn(), EmbeddedSqs.REGION)
                        .function(function)
                        .settings(new EsmSettings(batchSize, Duration.ZERO, 1_000, true, true))
                        .json(JsonMapper.builder().build())
                        .build()) {
            long start = System.nanoTime();
            long cpu = Harness.cpuNanos();
            Harness.ServerCpu server = Harness.serverCpu();
            mapping.start();
            long giveUp = start + DRAIN_LIMIT.toNanos();
            // Ask the queue only once the mapping's own deletes add up (then to confirm it is empty):
            // ElasticMQ answers GetQueueAttributes by walking every message it holds; asking every
            // 100 ms from the start took 4 % of its samples in 10,000-message drains, a tenth of what
            // it spent on the mapping beyond the raw drain, which never asks (docs/performance.md).
            while (counter.deletedEntries() < size
                    || mapping.inFlight() > 0
                    || sqs.depth(queues.url()).total() > 0) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("the mapping did not drain " + size + " sub-tasks in "
                            + DRAIN_LIMIT.toSeconds() + " s: " + sqs.depth(queues.url()) + " left, "
                            + function.invocations() + " invocations, " + mapping.failedRecords()
                            + " records failed (the function refuses them: check the bench's messages)");
                }
                Thread.sleep(counter.deletedEntries() < size ? 20 : 100);
            }
            // The drain ends with the last delete, as the raw drain's does; this loop sees it up to
            // 20 ms later (printed beside it), a lag the raw drain does not carry.
            double seenMillis = (System.nanoTime() - start) / 1e6;
            if (counter.lastDeleteNanos() == 0) {
                throw new IllegalStateException("the queue drained without one DeleteMessageBatch from the mapping: "
                        + "check that the bench's client is the mapping's");
            }
            double millis = (counter.lastDeleteNanos() - start) / 1e6;
            System.err.printf(
                    Locale.ROOT,
                    "bench: ESM batch size %d: %.0f ms to the last delete (seen drained at %.0f ms), %,d invocations, "
                            + "%,d cold, peak %,d at once; %s; CPU %.2f s, of which server %.2f s%n",
                    batchSize,
                    millis,
                    seenMillis,
                    function.invocations(),
                    function.coldStarts(),
                    function.peakConcurrency(),
                    counter.summary(),
                    (Harness.cpuNanos() - cpu) / 1e9,
                    server.since() / 1e9);
            return millis;
        } finally {
            System.setOut(out);
        }
    }

    private double rawReceiveDelete(EmbeddedSqs sqs, int size) throws Exception {
        return Harness.onFreshQueue(sqs, "rawrecv", queues -> rawReceiveDelete(sqs, queues, size));
    }

    private double rawReceiveDelete(EmbeddedSqs sqs, EmbeddedSqs.QueuePair queues, int size) throws Exception {
        sendRaw(sqs, queues.url(), size);
        AtomicInteger deleted = new AtomicInteger();
        CallCounter counter = new CallCounter();
        try (SqsClient client = sqs.clientBuilder()
                        .httpClient(
                                Apache5HttpClient.builder().maxConnections(64).build())
                        .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                        .build();
                ExecutorService executor = Executors.newFixedThreadPool(16)) {
            long start = System.nanoTime();
            long cpu = Harness.cpuNanos();
            Harness.ServerCpu server = Harness.serverCpu();
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                workers.add(executor.submit(() -> {
                    while (deleted.get() < size) {
                        List<Message> page = client.receiveMessage(r -> r.queueUrl(queues.url())
                                        .maxNumberOfMessages(10)
                                        .messageAttributeNames("All")
                                        .waitTimeSeconds(0))
                                .messages();
                        if (page.isEmpty()) {
                            continue;
                        }
                        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int j = 0; j < page.size(); j++) {
                            entries.add(DeleteMessageBatchRequestEntry.builder()
                                    .id(Integer.toString(j))
                                    .receiptHandle(page.get(j).receiptHandle())
                                    .build());
                        }
                        client.deleteMessageBatch(r -> r.queueUrl(queues.url()).entries(entries));
                        deleted.addAndGet(page.size());
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            double millis = (System.nanoTime() - start) / 1e6;
            System.err.printf(
                    Locale.ROOT,
                    "bench: raw receive + delete: %.0f ms, %s; CPU %.2f s, of which server %.2f s%n",
                    millis,
                    counter.summary(),
                    (Harness.cpuNanos() - cpu) / 1e9,
                    server.since() / 1e9);
            return millis;
        }
    }

    private double invocationsAlone(EmbeddedSqs sqs, int size) throws Exception {
        return Harness.onFreshQueue(sqs, "invoke", queues -> invocationsAlone(sqs, queues, size));
    }

    /**
     * The invocations of a batch-size-1 drain without the mapping around them: the same messages,
     * received beforehand (not timed), each written into its SQS event and handed to a function
     * runtime built as the mapping's is, 1,000 at once. What is left of the mapping's drain beyond
     * this and the raw drain's calls is the mapping's own cost.
     */
    private double invocationsAlone(EmbeddedSqs sqs, EmbeddedSqs.QueuePair queues, int size) throws Exception {
        sendRaw(sqs, queues.url(), size);
        List<Message> messages = new ArrayList<>(size);
        while (messages.size() < size) {
            messages.addAll(sqs.client()
                    .receiveMessage(r -> r.queueUrl(queues.url())
                            .maxNumberOfMessages(10)
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(LambdaSqsEvents.SYSTEM_ATTRIBUTES))
                    .messages());
        }
        Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
        environment.put("PROCESSING_DELAY", "0");
        FunctionDefinition definition = new FunctionDefinition(
                "load-splitter", LocalSettings.HANDLER, Events.FUNCTION_JAR, 1024, Duration.ofSeconds(60), environment);
        JsonMapper json = JsonMapper.builder().build();
        PrintStream out = System.out;
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));
        try (FunctionRuntime function = FunctionRuntime.builder(definition)
                .arn("arn:aws:lambda:us-east-1:000000000000:function:x")
                .reservedConcurrency(1_010)
                .clock(Clock.systemUTC())
                .functionLog(FunctionLog.none())
                .listener(InvocationListener.none())
                .build()) {
            Semaphore slots = new Semaphore(1_000);
            AtomicInteger failed = new AtomicInteger();
            long start = System.nanoTime();
            long cpu = Harness.cpuNanos();
            try (ExecutorService invocations = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Message message : messages) {
                    slots.acquire();
                    invocations.submit(() -> {
                        try {
                            List<Message> batch = List.of(message);
                            byte[] payload = json.writeValueAsBytes(
                                    LambdaSqsEvents.event(batch, queues.arn(), EmbeddedSqs.REGION));
                            if (!(function.invoke(payload, Trigger.SQS, InvocationIdentity.batch(batch))
                                    instanceof InvocationResult.Success)) {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
            double millis = (System.nanoTime() - start) / 1e6;
            if (failed.get() > 0) {
                throw new IllegalStateException(
                        failed.get() + " of " + size + " invocations did not succeed: check the bench's messages");
            }
            System.err.printf(
                    Locale.ROOT,
                    "bench: %,d invocations alone: %.0f ms, %,d cold, peak %,d at once; CPU %.2f s%n",
                    size,
                    millis,
                    function.coldStarts(),
                    function.peakConcurrency(),
                    (Harness.cpuNanos() - cpu) / 1e9);
            return millis;
        } finally {
            System.setOut(out);
        }
    }

    /** Sends {@code size} prebuilt one-tag messages in batches of 10, 16 calls at once; returns milliseconds. */
    static double sendRaw(EmbeddedSqs sqs, String queueUrl, int size) throws Exception {
        String body = Events.createTags(1, "raw");
        try (SqsClient client = sqs.clientBuilder()
                        .httpClient(
                                Apache5HttpClient.builder().maxConnections(64).build())
                        .build();
                ExecutorService executor = Executors.newFixedThreadPool(16)) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i % SqsBatches.MAX_ENTRIES)) // its index in its batch
                        .messageBody(body)
                        .messageAttributes(oneTagSubTask(i, size))
                        .build());
            }
            List<List<SendMessageBatchRequestEntry>> batches = SqsBatches.chunks(entries);
            long start = System.nanoTime();
            List<Future<?>> calls = new ArrayList<>();
            for (List<SendMessageBatchRequestEntry> batch : batches) {
                calls.add(executor.submit(
                        () -> client.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch))));
            }
            for (Future<?> call : calls) {
                call.get();
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /**
     * The attributes the split gives the {@code index}th of {@code size} one-tag parts of one job: a
     * sub-task the function accepts (an attribute short, it refuses the message, which then waits
     * out its visibility timeout and the drain never ends).
     */
    private static Map<String, MessageAttributeValue> oneTagSubTask(int index, int size) {
        return Map.of(
                SubTaskAttribute.JOB_ID.attributeName(), string("raw-job"),
                SubTaskAttribute.PART_ID.attributeName(), string(Integer.toString(index + 1)),
                SubTaskAttribute.PART_COUNT.attributeName(), number(size),
                SubTaskAttribute.SPLIT_DEPTH.attributeName(), number(1),
                SubTaskAttribute.HOPS.attributeName(), number(1),
                SubTaskAttribute.FIRST_ITEM.attributeName(), number(index),
                SubTaskAttribute.ITEM_COUNT.attributeName(), number(1),
                SubTaskAttribute.TASK_TYPE.attributeName(), string("CreateTags"));
    }

    private static MessageAttributeValue number(long value) {
        return MessageAttributeValue.builder()
                .dataType("Number")
                .stringValue(Long.toString(value))
                .build();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }
}
