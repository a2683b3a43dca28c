package dev.loadsplitter.local.esm;

import dev.loadsplitter.sqs.SqsBatches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Deletes processed records in {@code DeleteMessageBatch} calls of up to 10, gathering receipt
 * handles from every finished invocation for a few milliseconds, so a thousand single-record
 * batches cost about a hundred calls instead of a thousand. A delete that fails leaves its record
 * to be delivered again after the visibility timeout, which at-least-once processing allows. The
 * calls go through {@link SqsBatches#delete}, tried once.
 */
final class DeleteBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeleteBatcher.class);
    private static final int MAX_ENTRIES = SqsBatches.MAX_ENTRIES;
    /** A failed delete is not sent again: its record comes back after the visibility timeout anyway. */
    private static final SqsBatches.Retry ONE_TRY = new SqsBatches.Retry(1, Duration.ZERO);

    private static final long LINGER_MILLIS = 5;

    private final SqsClient sqs;
    private final String queueUrl;
    private final LinkedBlockingQueue<Message> pending = new LinkedBlockingQueue<>();
    private final AtomicInteger unsent = new AtomicInteger();
    private final AtomicLong calls = new AtomicLong();
    private final List<Thread> senders = new ArrayList<>();
    private volatile boolean running = true;

    DeleteBatcher(SqsClient sqs, String queueUrl, int senderCount) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        for (int i = 0; i < senderCount; i++) {
            senders.add(Thread.ofVirtual().name("esm-delete-" + i).start(this::sendLoop));
        }
    }

    /** Queues a received record for deletion by its receipt handle. */
    void delete(Message message) {
        unsent.incrementAndGet();
        pending.add(message);
    }

    /** Receipt handles queued or being sent. */
    int unsent() {
        return unsent.get();
    }

    private void sendLoop() {
        List<Message> batch = new ArrayList<>(MAX_ENTRIES);
        while (running || !pending.isEmpty()) {
            try {
                Message first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
                while (batch.size() < MAX_ENTRIES) {
                    Message next = pending.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            send(batch);
            unsent.addAndGet(-batch.size());
            batch.clear();
        }
    }

    /** {@code DeleteMessageBatch} calls made so far, failed ones included. */
    long calls() {
        return calls.get();
    }

    private void send(List<Message> messages) {
        calls.incrementAndGet();
        try {
            SqsBatches.Outcome<Message> outcome = SqsBatches.delete(sqs, queueUrl, messages, ONE_TRY);
            if (!outcome.allDone()) {
                log.warn(
                        "ESM: {} of {} deletes failed on {}; those records will be delivered again: {}",
                        outcome.failed().size(),
                        messages.size(),
                        queueUrl,
                        outcome.failed().getFirst().message());
            }
        } catch (SdkException e) {
            log.warn(
                    "ESM: deleting {} records from {} failed; they will be delivered again: {}",
                    messages.size(),
                    queueUrl,
                    e.getMessage());
        }
    }

    /** Sends what is queued, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            for (Thread sender : senders) {
                sender.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
