package dev.loadsplitter.local.forecast;

import java.util.Objects;

/**
 * What a user would deploy, for a forecast: the work, the function and the mapping. The
 * constructor refuses what AWS would refuse, or what could never run, naming the setting.
 *
 * @param items items in the event
 * @param secondsPerItem the work of one item
 * @param memoryMb the function's memory (128 to 10,240 MB)
 * @param architecture {@code arm64} or {@code x86_64}
 * @param maximumConcurrency the mapping's maximum concurrency (2 to 1,000), or 0 for none
 * @param reservedConcurrency the function's reserved concurrency, or 0 for none
 * @param accountConcurrency the account's concurrency limit in the region
 * @param batchSize records per invocation from the queue (1 to 10,000)
 * @param recordConcurrency records of a batch processed at once
 * @param maxItemsPerTask K: a task of more items is split
 * @param fanOutLimit the most sub-tasks one invocation queues
 * @param minimumPollers provisioned mode's minimum pollers (2 to 200)
 * @param maximumPollers provisioned mode's maximum pollers (2 to 2,000), at least the minimum
 * @param provisionedChosen whether the user configured pollers (then maximum concurrency may not be set)
 */
public record ForecastSettings(
        long items,
        double secondsPerItem,
        int memoryMb,
        String architecture,
        int maximumConcurrency,
        int reservedConcurrency,
        int accountConcurrency,
        int batchSize,
        int recordConcurrency,
        int maxItemsPerTask,
        int fanOutLimit,
        int minimumPollers,
        int maximumPollers,
        boolean provisionedChosen) {

    public ForecastSettings {
        Objects.requireNonNull(architecture, "architecture");
        require(items >= 1, "the event must hold at least one item, got " + items);
        require(secondsPerItem >= 0 && secondsPerItem <= 900, "--delay must be from 0 to 15 minutes per item");
        require(memoryMb >= 128 && memoryMb <= 10_240, "--memory must be from 128 to 10240 MB, as on Lambda");
        require(
                architecture.equals("arm64") || architecture.equals("x86_64"),
                "--architecture must be arm64 or x86_64, got '" + architecture + "'");
        require(accountConcurrency >= 1, "--account-concurrency must be at least 1");
        require(
                maximumConcurrency == 0 || (maximumConcurrency >= 2 && maximumConcurrency <= 1_000),
                "--maximum-concurrency must be from 2 to 1000 (the mapping's limits), got " + maximumConcurrency);
        require(
                maximumConcurrency <= accountConcurrency,
                "--maximum-concurrency " + maximumConcurrency + " is above the account's concurrency of "
                        + accountConcurrency + ": the mapping could never reach it. Lower it, or raise "
                        + "--account-concurrency after a quota increase.");
        require(
                reservedConcurrency >= 0 && reservedConcurrency <= accountConcurrency,
                "--reserved-concurrency " + reservedConcurrency + " must be from 0 to the account's concurrency ("
                        + accountConcurrency + ")");
        require(
                !provisionedChosen || maximumConcurrency == 0,
                "--minimum-pollers/--maximum-pollers (provisioned mode) and --maximum-concurrency cannot be set "
                        + "together: AWS takes one or the other for an SQS event source mapping. Drop one.");
        require(batchSize >= 1 && batchSize <= 10_000, "--batch-size must be from 1 to 10000");
        require(recordConcurrency >= 1, "record concurrency must be at least 1");
        require(maxItemsPerTask >= 1, "--max-items-per-task must be at least 1");
        require(fanOutLimit >= 2, "--fan-out-limit must be at least 2");
        require(minimumPollers >= 2 && minimumPollers <= 200, "--minimum-pollers must be from 2 to 200");
        require(
                maximumPollers >= minimumPollers && maximumPollers <= 2_000,
                "--maximum-pollers must be from --minimum-pollers to 2000, got " + maximumPollers);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The most invocations of the function at once: reserved concurrency, or else the account's. */
    public int functionLimit() {
        return reservedConcurrency > 0 ? reservedConcurrency : accountConcurrency;
    }
}
