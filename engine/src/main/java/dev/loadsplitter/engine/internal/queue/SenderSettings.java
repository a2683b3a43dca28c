package dev.loadsplitter.engine.internal.queue;

import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * How sub-tasks are sent.
 *
 * @param concurrency batch calls in flight at once
 * @param maxAttempts attempts per entry, the first included; failed entries of a batch are retried
 *                    by us, while whole calls that fail are first retried by the SDK's own strategy
 * @param baseBackoff the pause before the first retry; it doubles per attempt, with jitter
 * @param maxBackoff the longest pause between attempts
 * @param maxBatchBytes the most bytes one {@code SendMessageBatch} call may carry
 */
public record SenderSettings(
        int concurrency, int maxAttempts, Duration baseBackoff, Duration maxBackoff, int maxBatchBytes) {

    /**
     * {@code SendMessageBatch} takes at most 10 entries.
     * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
     */
    public static final int MAX_BATCH_ENTRIES = 10;

    public SenderSettings {
        if (concurrency < 1 || concurrency > 1_000) {
            throw new IllegalArgumentException("concurrency must be from 1 to 1000, got " + concurrency);
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("maxAttempts must be from 1 to 20, got " + maxAttempts);
        }
        Objects.requireNonNull(baseBackoff, "baseBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (baseBackoff.isNegative() || baseBackoff.isZero() || maxBackoff.compareTo(baseBackoff) < 0) {
            throw new IllegalArgumentException(
                    "backoff must satisfy 0 < baseBackoff <= maxBackoff, got " + baseBackoff + " and " + maxBackoff);
        }
        if (maxBatchBytes < 1_024) {
            throw new IllegalArgumentException("maxBatchBytes must be at least 1024, got " + maxBatchBytes);
        }
    }

    /** 8 calls in flight, 5 attempts, 50 ms doubling to 2 s, 1 MiB batches. */
    public static SenderSettings defaultSettings() {
        return new SenderSettings(8, 5, Duration.ofMillis(50), Duration.ofSeconds(2), 1_048_576);
    }

    /**
     * The SDK's exponential backoff with half jitter: before attempt {@code n} (2 or more) a pause
     * between half and all of {@code min(maxBackoff, baseBackoff × 2^(n-2))}, so concurrent senders
     * spread out but still back off.
     */
    public BackoffStrategy backoff() {
        return BackoffStrategy.exponentialDelayHalfJitter(baseBackoff, maxBackoff);
    }
}
