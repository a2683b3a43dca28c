package dev.loadsplitter.testing.simulation;

import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * One simulated deployment: the function's split policy and timeout, the queue's visibility
 * timeout, receive count and retention, the mapping's batch size and concurrency, the ledger's TTL,
 * deadline and tolerance, the faults, and the seed that decides every interleaving and fault.
 *
 * @param workTime how long one item's work takes
 * @param sweepEvery how often the schedule invokes the ledger's sweep
 * @param maxSteps steps after which a schedule that has not settled counts as stuck
 * @param cancelAfter when set, the job is cancelled (as {@code load-splitter jobs cancel} does) this long after
 *     the event is sent
 */
public record SimulationSettings(
        SplitPolicy policy,
        Duration functionTimeout,
        Duration visibilityTimeout,
        int maxReceiveCount,
        Duration retention,
        int batchSize,
        int maxConcurrency,
        Duration workTime,
        Duration timeToLive,
        Duration jobDeadline,
        LedgerTolerance tolerance,
        Duration sweepEvery,
        Faults faults,
        long seed,
        int maxSteps,
        java.util.Optional<Duration> cancelAfter) {

    public SimulationSettings {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(functionTimeout, "functionTimeout");
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(workTime, "workTime");
        Objects.requireNonNull(timeToLive, "timeToLive");
        Objects.requireNonNull(jobDeadline, "jobDeadline");
        Objects.requireNonNull(tolerance, "tolerance");
        Objects.requireNonNull(sweepEvery, "sweepEvery");
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(cancelAfter, "cancelAfter");
        if (maxReceiveCount < 1 || batchSize < 1 || maxConcurrency < 1 || maxSteps < 1) {
            throw new IllegalArgumentException(
                    "maxReceiveCount, batchSize, maxConcurrency and maxSteps are at least 1");
        }
    }

    /** Lambda's and SQS's defaults, scaled down: 1 item per sub-task, 5 s timeout, 30 s visibility, no faults. */
    public static SimulationSettings defaults(long seed) {
        return new SimulationSettings(
                new SplitPolicy(1, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8, 1_000),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                5,
                Duration.ofDays(4),
                1,
                50,
                Duration.ofMillis(100),
                Duration.ofDays(33),
                Duration.ofDays(5),
                LedgerTolerance.none(),
                Duration.ofMinutes(1),
                Faults.none(),
                seed,
                2_000_000,
                java.util.Optional.empty());
    }

    public SimulationSettings withFaults(Faults faults) {
        return new SimulationSettings(
                policy,
                functionTimeout,
                visibilityTimeout,
                maxReceiveCount,
                retention,
                batchSize,
                maxConcurrency,
                workTime,
                timeToLive,
                jobDeadline,
                tolerance,
                sweepEvery,
                faults,
                seed,
                maxSteps,
                cancelAfter);
    }
}
