package dev.loadsplitter.sqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * SQS's batch calls in chunks of ten, checking each answer's failed entries: an entry SQS failed on
 * its side is sent again, up to the retry's attempts; one the request is at fault for
 * ({@code SenderFault}) is not, as sending it again cannot help. What stays failed is returned, never
 * dropped. A call that fails as a whole throws (the SDK has retried it already).
 *
 * @see <a href="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html">
 *     DeleteMessageBatch</a>: at most 10 entries, and an answer per entry (read 2026-12-03)
 */
public final class SqsBatches {

    /** The most entries one batch call takes. */
    public static final int MAX_ENTRIES = 10;

    private SqsBatches() {}

    /**
     * How often an entry SQS failed on its side is tried, and the pause before each retry.
     *
     * @param attempts tries in all, 1 or more
     */
    public record Retry(int attempts, Duration pause) {
        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be 1 or more, got " + attempts);
            }
            Objects.requireNonNull(pause, "pause");
            if (pause.isNegative()) {
                throw new IllegalArgumentException("pause must not be negative, got " + pause);
            }
        }

        /** Three tries, 200 ms apart. */
        public static Retry defaultRetry() {
            return new Retry(3, Duration.ofMillis(200));
        }
    }

    /** An entry that stayed failed: SQS's code and message for it, and whether the request was at fault. */
    public record Failure<T>(T item, String code, String message, boolean senderFault) {
        public String describe() {
            return code + " " + message + (senderFault ? " (the request's fault; not retried)" : "");
        }
    }

    /** What became of a list of entries: those done and those that stayed failed. */
    public record Outcome<T>(List<T> done, List<Failure<T>> failed) {
        public Outcome {
            done = List.copyOf(done);
            failed = List.copyOf(failed);
        }

        public boolean allDone() {
            return failed.isEmpty();
        }
    }

    /** {@code items} in chunks of at most {@value #MAX_ENTRIES}, in order; views of the list. */
    public static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> chunks = new ArrayList<>((items.size() + MAX_ENTRIES - 1) / MAX_ENTRIES);
        for (int from = 0; from < items.size(); from += MAX_ENTRIES) {
            chunks.add(items.subList(from, Math.min(items.size(), from + MAX_ENTRIES)));
        }
        return chunks;
    }

    /**
     * Receives up to {@code max} messages, ten a call, until the queue answers empty, deleting
     * nothing: each is hidden for {@code visibilityTimeoutSeconds}, so paging goes on to new ones,
     * and the caller makes those it keeps visible again ({@link #changeVisibility}). A look at a
     * queue, with every message and system attribute.
     */
    public static List<Message> peek(SqsClient sqs, String queueUrl, int max, int visibilityTimeoutSeconds) {
        List<Message> messages = new ArrayList<>();
        while (messages.size() < max) {
            int want = Math.min(MAX_ENTRIES, max - messages.size());
            List<Message> page = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                            .maxNumberOfMessages(want)
                            .visibilityTimeout(visibilityTimeoutSeconds)
                            .waitTimeSeconds(0)
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages();
            if (page.isEmpty()) {
                break;
            }
            messages.addAll(page);
        }
        return messages;
    }

    /** Sets the visibility timeout of received messages ({@code 0}: visible again at once). */
    public static Outcome<Message> changeVisibility(
            SqsClient sqs, String queueUrl, List<Message> messages, int visibilityTimeoutSeconds, Retry retry) {
        return inChunks(messages, retry, chunk -> {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle())
                        .visibilityTimeout(visibilityTimeoutSeconds)
                        .build());
            }
            return sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(entries))
                    .failed();
        });
    }

    /** Deletes received messages by their receipt handles. */
    public static Outcome<Message> delete(SqsClient sqs, String queueUrl, List<Message> messages, Retry retry) {
        return inChunks(messages, retry, chunk -> {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle())
                        .build());
            }
            return sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
                    .failed();
        });
    }

    /** Sends copies of received messages to {@code queueUrl}: their bodies and message attributes. */
    public static Outcome<Message> sendCopies(SqsClient sqs, String queueUrl, List<Message> messages, Retry retry) {
        return inChunks(messages, retry, chunk -> {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .messageBody(chunk.get(i).body())
                        .messageAttributes(chunk.get(i).messageAttributes())
                        .build());
            }
            return sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
                    .failed();
        });
    }

    /**
     * Calls {@code call} on each chunk, then again on the entries that failed on SQS's side. The call
     * numbers its entries by their index in the chunk it is given and returns the failed ones.
     */
    static <T> Outcome<T> inChunks(List<T> items, Retry retry, Function<List<T>, List<BatchResultErrorEntry>> call) {
        List<T> done = new ArrayList<>(items.size());
        List<Failure<T>> failed = new ArrayList<>();
        for (List<T> chunk : chunks(items)) {
            List<T> pending = chunk;
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                List<BatchResultErrorEntry> errors = call.apply(pending);
                boolean[] erred = new boolean[pending.size()];
                List<T> again = new ArrayList<>();
                List<Failure<T>> last = new ArrayList<>();
                for (BatchResultErrorEntry error : errors) {
                    int index = Integer.parseInt(error.id());
                    erred[index] = true;
                    Failure<T> failure = new Failure<>(
                            pending.get(index),
                            error.code(),
                            error.message(),
                            Boolean.TRUE.equals(error.senderFault()));
                    if (failure.senderFault()) {
                        failed.add(failure);
                    } else {
                        again.add(failure.item());
                        last.add(failure);
                    }
                }
                for (int i = 0; i < pending.size(); i++) {
                    if (!erred[i]) {
                        done.add(pending.get(i));
                    }
                }
                if (!again.isEmpty() && attempt >= retry.attempts()) {
                    failed.addAll(last);
                    break;
                }
                if (!again.isEmpty() && !pause(retry.pause())) {
                    failed.addAll(last);
                    break;
                }
                pending = again;
            }
        }
        return new Outcome<>(done, failed);
    }

    /** @return false when interrupted (the flag is restored): what is still failed stays failed */
    private static boolean pause(Duration pause) {
        if (pause.isZero()) {
            return true;
        }
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
