package dev.loadsplitter.engine.internal.queue;

import dev.loadsplitter.engine.internal.concurrent.BoundedParallel;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.task.WorkContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends sub-tasks with {@code SendMessageBatch}: batches packed to 10 entries and the byte limit,
 * several calls in flight at once, and failed entries retried with jittered exponential backoff.
 *
 * <p>Two layers of retry: the SDK's retry strategy repeats a whole call that fails (throttling,
 * 5xx, I/O); this class repeats the entries that a successful call reports as failed, and whole
 * calls that still fail after the SDK gave up. Entries that SQS blames on the sender
 * ({@code SenderFault}) are not retried: they cannot succeed.
 */
public final class SqsSubTaskSender implements SubTaskSender {

    private static final Logger log = LoggerFactory.getLogger(SqsSubTaskSender.class);

    private final SqsClient sqs;
    private final QueueAddress queue;
    private final SenderSettings settings;
    private final ExecutorService executor;
    private final Sleeper sleeper;
    private final Clock clock;
    private final BackoffStrategy backoff;
    /** Whether a call went through already: warming up again would be a wasted request. */
    private volatile boolean warm;

    /**
     * @param executor runs the batch calls; a virtual-thread-per-task executor suits the blocking client
     */
    public SqsSubTaskSender(
            SqsClient sqs,
            QueueAddress queue,
            SenderSettings settings,
            ExecutorService executor,
            Sleeper sleeper,
            Clock clock) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = settings.backoff();
    }

    /**
     * One GetQueueAttributes call, which the event source mapping's permissions already allow, once
     * per sender (a container): after it, or after a send, the client's connection is open and its
     * classes are loaded, and a later split's warm-up would only add a call.
     */
    @Override
    public void warmUp() {
        if (warm) {
            return;
        }
        sqs.getQueueAttributes(request ->
                request.queueUrl(queue.url()).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        warm = true;
    }

    @Override
    public SendReport send(List<SubTask> subTasks, WorkContext context) {
        Instant start = clock.instant();
        String queueUrl = queue.url();
        List<Pending> pending = new ArrayList<>(subTasks.size());
        for (int i = 0; i < subTasks.size(); i++) {
            pending.add(new Pending(Integer.toString(i), subTasks.get(i)));
        }
        int sent = 0;
        int calls = 0;
        int retried = 0;
        List<EntryFailure> permanent = new ArrayList<>();
        String firstError = null;
        int attempt = 1;
        while (true) {
            List<BatchOutcome> outcomes = sendAll(queueUrl, pack(pending));
            calls += outcomes.size();
            List<Pending> retryable = new ArrayList<>();
            for (BatchOutcome outcome : outcomes) {
                sent += outcome.sent();
                for (EntryFailure failure : outcome.failures()) {
                    if (firstError == null) {
                        firstError = failure.error();
                    }
                    if (failure.retryable()) {
                        retryable.add(failure.entry());
                    } else {
                        permanent.add(failure);
                    }
                }
            }
            if (retryable.isEmpty() || attempt >= settings.maxAttempts()) {
                int failed = retryable.size() + permanent.size();
                if (failed > 0) {
                    throw new SubTaskSendException(queueUrl, sent, failed, attempt, firstError);
                }
                break;
            }
            retried += retryable.size();
            attempt++;
            log.warn(
                    "{}: {} of {} sub-tasks not yet queued to {} ({}); retry {} of {}",
                    context.describe(),
                    retryable.size(),
                    subTasks.size(),
                    queueUrl,
                    firstError,
                    attempt - 1,
                    settings.maxAttempts() - 1);
            pause(attempt, queueUrl, sent, retryable.size() + permanent.size(), firstError);
            pending = retryable;
        }
        warm = true;
        Duration elapsed = Duration.between(start, clock.instant());
        log.info(
                "{}: queued {} sub-tasks to {} in {} batch calls, {} ms{}",
                context.describe(),
                sent,
                queueUrl,
                calls,
                elapsed.toMillis(),
                retried == 0 ? "" : " (" + retried + " entries retried)");
        return new SendReport(sent, calls, retried, elapsed);
    }

    private void pause(int attempt, String queueUrl, int sent, int failed, String firstError) {
        try {
            sleeper.sleep(backoff.computeDelay(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubTaskSendException(
                    queueUrl,
                    sent,
                    failed,
                    attempt - 1,
                    "interrupted while backing off; " + "first error " + firstError);
        }
    }

    /** Packs entries in order into batches of at most 10 entries and {@code maxBatchBytes}. */
    List<List<Pending>> pack(List<Pending> entries) {
        List<List<Pending>> batches = new ArrayList<>();
        List<Pending> current = new ArrayList<>();
        long currentBytes = 0;
        for (Pending entry : entries) {
            int bytes = entry.subTask().messageBytes();
            if (!current.isEmpty()
                    && (current.size() == SenderSettings.MAX_BATCH_ENTRIES
                            || currentBytes + bytes > settings.maxBatchBytes())) {
                batches.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(entry);
            currentBytes += bytes;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private List<BatchOutcome> sendAll(String queueUrl, List<List<Pending>> batches) {
        try {
            return BoundedParallel.map(
                    batches,
                    settings.concurrency(),
                    executor,
                    batch -> sendBatch(queueUrl, batch),
                    // sendBatch turns SDK errors into entry failures; anything else is a bug worth surfacing per entry.
                    (batch, error) -> BatchOutcome.allFailed(
                            batch, error.getClass().getSimpleName() + ": " + error.getMessage(), false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubTaskSendException(
                    queueUrl, 0, batches.stream().mapToInt(List::size).sum(), 1, "interrupted while sending");
        }
    }

    private BatchOutcome sendBatch(String queueUrl, List<Pending> batch) {
        Map<String, Pending> byId = new HashMap<>();
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            byId.put(pending.id(), pending);
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(pending.id())
                    .messageBody(pending.subTask().body())
                    .messageAttributes(attributesOf(pending.subTask()))
                    .build());
        }
        SendMessageBatchResponse response;
        try {
            response =
                    sqs.sendMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
        } catch (AwsServiceException e) {
            boolean retryable = e.isThrottlingException() || e.statusCode() >= 500 || e.retryable();
            return BatchOutcome.allFailed(
                    batch,
                    e.awsErrorDetails() != null
                            ? e.awsErrorDetails().errorCode() + ": "
                                    + e.awsErrorDetails().errorMessage()
                            : e.getMessage(),
                    !retryable);
        } catch (SdkException e) {
            return BatchOutcome.allFailed(batch, e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        }
        List<EntryFailure> failures = new ArrayList<>(response.failed().size());
        for (BatchResultErrorEntry error : response.failed()) {
            Pending entry = byId.get(error.id());
            if (entry == null) {
                continue; // SQS only reports ids we sent; an unknown id cannot be mapped back to a sub-task.
            }
            failures.add(new EntryFailure(
                    entry, error.code() + ": " + error.message(), !Boolean.TRUE.equals(error.senderFault())));
        }
        return new BatchOutcome(response.successful().size(), failures);
    }

    /** The message attributes a sub-task travels with: its lineage, counts and task type, and any continuation. */
    public static Map<String, MessageAttributeValue> attributesOf(SubTask subTask) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        for (SubTaskAttribute attribute : SubTaskAttribute.values()) {
            String value = attribute.valueOf(subTask);
            if (!value.isEmpty()) {
                attributes.put(
                        attribute.attributeName(),
                        MessageAttributeValue.builder()
                                .dataType(attribute.dataType())
                                .stringValue(value)
                                .build());
            }
        }
        return attributes;
    }

    /** An entry still to send, with its id inside a batch request. */
    record Pending(String id, SubTask subTask) {}

    private record EntryFailure(Pending entry, String error, boolean retryable) {}

    private record BatchOutcome(int sent, List<EntryFailure> failures) {

        static BatchOutcome allFailed(List<Pending> batch, String error, boolean permanent) {
            return new BatchOutcome(
                    0,
                    batch.stream()
                            .map(p -> new EntryFailure(p, error, !permanent))
                            .toList());
        }
    }
}
