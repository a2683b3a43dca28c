package dev.loadsplitter.engine.internal.ledger;

import dev.loadsplitter.engine.config.LedgerTolerance;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * How the ledger keeps its records.
 *
 * @param timeToLive how long after its last write an item is kept: at least the longest path a
 *     message can take (work queue, DLQ, parked queue, redrive), so no late duplicate finds its job gone
 * @param jobDeadline how long a job may stay open before the sweep closes it as TIMED_OUT
 * @param tolerance how many failed items a new job tolerates
 * @param backoff the pause before each retry of a call the store refused for now (a conflict, a throttle)
 * @param maxAttempts attempts per call before the caller's invocation fails (the first included)
 */
public record LedgerSettings(
        Duration timeToLive,
        Duration jobDeadline,
        LedgerTolerance tolerance,
        BackoffStrategy backoff,
        int maxAttempts) {

    public LedgerSettings {
        Objects.requireNonNull(timeToLive, "timeToLive");
        Objects.requireNonNull(jobDeadline, "jobDeadline");
        Objects.requireNonNull(tolerance, "tolerance");
        Objects.requireNonNull(backoff, "backoff");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, got " + timeToLive);
        }
        if (jobDeadline.isNegative() || jobDeadline.isZero()) {
            throw new IllegalArgumentException("jobDeadline must be positive, got " + jobDeadline);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /** The SDK's exponential backoff with half jitter, from 20 ms to 1 s, 10 attempts. */
    public static LedgerSettings of(Duration timeToLive, Duration jobDeadline, LedgerTolerance tolerance) {
        return new LedgerSettings(
                timeToLive,
                jobDeadline,
                tolerance,
                BackoffStrategy.exponentialDelayHalfJitter(Duration.ofMillis(20), Duration.ofSeconds(1)),
                10);
    }
}
