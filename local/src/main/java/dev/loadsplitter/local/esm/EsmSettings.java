package dev.loadsplitter.local.esm;

import java.time.Duration;
import java.util.Objects;

/**
 * An SQS event source mapping's settings, with Lambda's limits.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 *
 * @param batchSize records per invocation: 1 to 10,000 on a standard queue
 * @param maximumBatchingWindow how long to gather records before invoking; at least 1 s when batchSize is above 10
 * @param maximumConcurrency invocations at once: 2 to 1,000
 * @param reportBatchItemFailures whether the function's partial batch response is honoured
 * @param enabled whether the mapping polls; a disabled one leaves messages on the queue
 * @param scaling how fast it widens: at once, or on AWS's ramp
 */
public record EsmSettings(
        int batchSize,
        Duration maximumBatchingWindow,
        int maximumConcurrency,
        boolean reportBatchItemFailures,
        boolean enabled,
        EsmScaling scaling) {

    /** A mapping that opens at its maximum concurrency at once, as the local runtime does by default. */
    public EsmSettings(
            int batchSize,
            Duration maximumBatchingWindow,
            int maximumConcurrency,
            boolean reportBatchItemFailures,
            boolean enabled) {
        this(
                batchSize,
                maximumBatchingWindow,
                maximumConcurrency,
                reportBatchItemFailures,
                enabled,
                EsmScaling.immediate());
    }

    public EsmSettings {
        Objects.requireNonNull(maximumBatchingWindow, "maximumBatchingWindow");
        Objects.requireNonNull(scaling, "scaling");
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batch size must be from 1 to 10000, got " + batchSize);
        }
        if (maximumBatchingWindow.isNegative() || maximumBatchingWindow.compareTo(Duration.ofSeconds(300)) > 0) {
            throw new IllegalArgumentException(
                    "maximum batching window must be from 0 to 300 seconds, got " + maximumBatchingWindow.toSeconds());
        }
        if (batchSize > 10 && maximumBatchingWindow.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a batch size above 10 needs a maximum batching window of at least "
                    + "1 second, as Lambda requires; got batch size " + batchSize + " and window "
                    + maximumBatchingWindow.toMillis() + " ms");
        }
        if (maximumConcurrency < 2 || maximumConcurrency > 1_000) {
            throw new IllegalArgumentException("maximum concurrency must be from 2 to 1000, got " + maximumConcurrency);
        }
    }

    /** The sample's mapping: batch size 1, no window, partial batch responses on. */
    public static EsmSettings sample(int maximumConcurrency) {
        return new EsmSettings(1, Duration.ZERO, maximumConcurrency, true, true);
    }
}
