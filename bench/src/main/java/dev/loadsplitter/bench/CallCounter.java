package dev.loadsplitter.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Counts the SQS calls a client makes, and the records they carry, so the benchmark can say how
 * many calls each part spends per message: the endpoint's cost is mostly per call.
 */
final class CallCounter implements ExecutionInterceptor {

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final LongAdder received = new LongAdder();
    private final LongAdder emptyReceives = new LongAdder();
    private final LongAdder deleted = new LongAdder();
    private final AtomicLong lastDeleteNanos = new AtomicLong();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        calls.computeIfAbsent(context.request().getClass().getSimpleName().replace("Request", ""), k -> new LongAdder())
                .increment();
        if (context.response() instanceof ReceiveMessageResponse response) {
            received.add(response.messages().size());
            if (response.messages().isEmpty()) {
                emptyReceives.increment();
            }
        }
        if (context.request() instanceof DeleteMessageBatchRequest request) {
            deleted.add(request.entries().size());
            lastDeleteNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }

    /** The entries of the {@code DeleteMessageBatch} calls that came back so far, each failed entry too. */
    long deletedEntries() {
        return deleted.sum();
    }

    /**
     * When the last {@code DeleteMessageBatch} came back ({@link System#nanoTime()}), or 0 before the
     * first: a drain's end to the call, where a loop that looks every 100 ms sees it up to 100 ms late.
     */
    long lastDeleteNanos() {
        return lastDeleteNanos.get();
    }

    /** A line such as "ReceiveMessage 1,012 (9.9 a call, 12 empty), DeleteMessageBatch 1,001 (10.0 a call)". */
    String summary() {
        StringBuilder line = new StringBuilder();
        new TreeMap<>(calls).forEach((operation, count) -> {
            if (!line.isEmpty()) {
                line.append(", ");
            }
            long n = count.sum();
            line.append(String.format(Locale.ROOT, "%s %,d", operation, n));
            if (operation.equals("ReceiveMessage")) {
                line.append(String.format(
                        Locale.ROOT, " (%.1f a call, %,d empty)", received.sum() / (double) n, emptyReceives.sum()));
            } else if (operation.equals("DeleteMessageBatch")) {
                line.append(String.format(Locale.ROOT, " (%.1f a call)", deleted.sum() / (double) n));
            }
        });
        return line.toString();
    }
}
