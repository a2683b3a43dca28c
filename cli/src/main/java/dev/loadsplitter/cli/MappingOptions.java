package dev.loadsplitter.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The queue, event source mapping and fault options that {@code run} and {@code serve} share;
 * {@code invoke}, one synchronous invocation, takes none of them and runs with these defaults.
 */
final class MappingOptions {

    @Option(
            names = "--reserved-concurrency",
            paramLabel = "N",
            description = "The function's concurrency limit (default: --concurrency + 10, leaving room for the "
                    + "direct invocations beside the mapping's, so none is throttled).")
    Integer reservedConcurrency;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            description = "The SQS event source mapping's maximum concurrency, 2 to 1000 (default: ${DEFAULT-VALUE}).")
    int concurrency = 1000;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description =
                    "Records per invocation from the queue; 1 gives N+1 invocations for N tags (default: ${DEFAULT-VALUE}).")
    int batchSize = 1;

    @Option(
            names = "--batching-window",
            paramLabel = "DURATION",
            description = "How long the mapping gathers records before invoking (default: none).")
    Duration batchingWindow = Duration.ZERO;

    @Option(
            names = "--visibility-timeout",
            paramLabel = "DURATION",
            description = "The work queue's visibility timeout (default: 6 x the function timeout, as AWS advises).")
    Duration visibilityTimeout;

    @Option(
            names = "--max-receive-count",
            paramLabel = "N",
            description = "Receives before a message moves to the dead-letter queue (default: ${DEFAULT-VALUE}).")
    int maxReceiveCount = 5;

    @Option(
            names = "--async-retry-pause",
            paramLabel = "DURATION",
            description =
                    "Pause before an asynchronous invocation's first retry; Lambda waits about a minute (default: ${DEFAULT-VALUE}).")
    Duration asyncRetryPause = Duration.ofSeconds(1);

    @Option(
            names = "--fail-rate",
            paramLabel = "FRACTION",
            description = "Share of invocations that fail as if the function threw (default: none).")
    double failRate = 0.0;

    @Option(
            names = "--crash-rate",
            paramLabel = "FRACTION",
            description = "Share of invocations whose container dies before answering: the work is done, the "
                    + "result lost (default: none).")
    double crashRate = 0.0;

    @Option(
            names = "--timeout-rate",
            paramLabel = "FRACTION",
            description = "Share of invocations that run past the function timeout (default: none).")
    double timeoutRate = 0.0;

    @Option(
            names = "--sqs-fault-rate",
            paramLabel = "FRACTION",
            description = "Share of the function's SQS requests answered with a 500 or a throttling error by a "
                    + "fault proxy, so the SDK's retries are exercised (default: none).")
    double sqsFaultRate = 0.0;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the fault draws, so a faulty run can be repeated (default: ${DEFAULT-VALUE}).")
    long seed = 1L;

    /** The reserved concurrency: as given, or room beside the mapping's for direct invocations. */
    int reservedConcurrency() {
        return reservedConcurrency != null ? reservedConcurrency : concurrency + 10;
    }
}
