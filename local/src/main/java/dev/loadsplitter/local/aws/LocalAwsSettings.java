package dev.loadsplitter.local.aws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How strict and how durable the local DynamoDB and EventBridge endpoint is.
 *
 * @param transactionWindow how long a TransactWriteItems holds its items pending before it commits;
 *     another transaction or a plain write touching one meanwhile fails as on DynamoDB. Zero commits
 *     at once (transactions never conflict). From 0 to {@link #MAX_TRANSACTION_WINDOW}.
 * @param itemCapacity the capacity one item takes before it is throttled
 * @param dataDirectory where tables and the bus are kept across restarts; empty for memory only
 * @param sweepInterval how often expired items are deleted (TTL) and old events purged
 * @param eventRetention how long the bus keeps an event; the records' TTL, so a job's events last as long as it
 * @param maxEvents the most events the bus keeps; past it the oldest go, with a warning
 * @param maxClientTokens the most ClientRequestTokens kept for their 10 minutes; past it the oldest go early
 */
public record LocalAwsSettings(
        Duration transactionWindow,
        ItemCapacity itemCapacity,
        Optional<Path> dataDirectory,
        Duration sweepInterval,
        Duration eventRetention,
        int maxEvents,
        int maxClientTokens) {

    /** The longest transaction window: far beyond DynamoDB's, and below the SDK's call timeouts. */
    public static final Duration MAX_TRANSACTION_WINDOW = Duration.ofSeconds(10);

    public LocalAwsSettings {
        Objects.requireNonNull(transactionWindow, "transactionWindow");
        Objects.requireNonNull(itemCapacity, "itemCapacity");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        Objects.requireNonNull(eventRetention, "eventRetention");
        if (transactionWindow.isNegative() || transactionWindow.compareTo(MAX_TRANSACTION_WINDOW) > 0) {
            throw new IllegalArgumentException("The DynamoDB transaction window must be from 0 to "
                    + MAX_TRANSACTION_WINDOW.toSeconds() + " s, got " + transactionWindow);
        }
        if (!sweepInterval.isPositive()) {
            throw new IllegalArgumentException("The sweep interval must be above zero, got " + sweepInterval);
        }
        if (!eventRetention.isPositive()) {
            throw new IllegalArgumentException("The event retention must be above zero, got " + eventRetention);
        }
        if (maxEvents < 1 || maxClientTokens < 1) {
            throw new IllegalArgumentException(
                    "maxEvents and maxClientTokens must be at least 1, got " + maxEvents + " and " + maxClientTokens);
        }
    }

    /**
     * DynamoDB's per-partition capacity for each item, transactions that commit at once, memory only,
     * a sweep every 10 seconds, events kept a day (the records' TTL), up to 100,000 of them, and up to
     * 200,000 client tokens.
     */
    public static LocalAwsSettings defaults() {
        return new LocalAwsSettings(
                Duration.ZERO,
                ItemCapacity.DYNAMODB,
                Optional.empty(),
                Duration.ofSeconds(10),
                Duration.ofDays(1),
                100_000,
                200_000);
    }

    public LocalAwsSettings withTransactionWindow(Duration window) {
        return new LocalAwsSettings(
                window, itemCapacity, dataDirectory, sweepInterval, eventRetention, maxEvents, maxClientTokens);
    }

    public LocalAwsSettings withItemCapacity(ItemCapacity capacity) {
        return new LocalAwsSettings(
                transactionWindow, capacity, dataDirectory, sweepInterval, eventRetention, maxEvents, maxClientTokens);
    }

    /** Keeps tables and the bus under {@code directory}. */
    public LocalAwsSettings withDataDirectory(Path directory) {
        return new LocalAwsSettings(
                transactionWindow,
                itemCapacity,
                Optional.of(directory),
                sweepInterval,
                eventRetention,
                maxEvents,
                maxClientTokens);
    }

    public LocalAwsSettings withSweepInterval(Duration interval) {
        return new LocalAwsSettings(
                transactionWindow, itemCapacity, dataDirectory, interval, eventRetention, maxEvents, maxClientTokens);
    }

    public LocalAwsSettings withEventRetention(Duration retention) {
        return new LocalAwsSettings(
                transactionWindow, itemCapacity, dataDirectory, sweepInterval, retention, maxEvents, maxClientTokens);
    }

    public LocalAwsSettings withMaxEvents(int events) {
        return new LocalAwsSettings(
                transactionWindow, itemCapacity, dataDirectory, sweepInterval, eventRetention, events, maxClientTokens);
    }

    public LocalAwsSettings withMaxClientTokens(int tokens) {
        return new LocalAwsSettings(
                transactionWindow, itemCapacity, dataDirectory, sweepInterval, eventRetention, maxEvents, tokens);
    }
}
