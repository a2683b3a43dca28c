package dev.loadsplitter.cli;

import dev.loadsplitter.local.esm.EsmScaling;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.forecast.Assumptions;
import dev.loadsplitter.local.invoke.AsyncSettings;
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
            names = "--async-max-event-age",
            paramLabel = "DURATION",
            description =
                    "How long an asynchronous event is kept and retried (throttles with a pause doubling from 1 s "
                            + "to 5 min, as Lambda does), from 60s to 6h, Lambda's MaximumEventAgeInSeconds; an older one goes "
                            + "to the failed-events queue (default: ${DEFAULT-VALUE}, Lambda's default).")
    Duration asyncMaxEventAge = AsyncSettings.DEFAULT_MAX_EVENT_AGE;

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
            names = "--crash-inside-rate",
            paramLabel = "FRACTION",
            description = "Share of invocations whose container dies just after one of the function's SQS, "
                    + "DynamoDB or EventBridge calls took effect (the call drawn at random among its calls): the "
                    + "invocation ends as Runtime.ExitError and nothing the container sends afterwards reaches "
                    + "any endpoint; with --isolation none its thread is interrupted and its later calls refused "
                    + "(default: none).")
    double crashInsideRate = 0.0;

    @Option(
            names = "--lost-response-rate",
            paramLabel = "FRACTION",
            description = "Share of the function's SQS, DynamoDB and EventBridge calls applied, then answered "
                    + "with a 500 or a dropped connection, so the SDK's retry sends them again (default: none).")
    double lostResponseRate = 0.0;

    @Option(
            names = "--dynamodb-conflict-rate",
            paramLabel = "FRACTION",
            description = "Share of the function's DynamoDB writes and transactions failed as conflicting with "
                    + "another transaction, on top of real conflicts (default: none).")
    double dynamoDbConflictRate = 0.0;

    @Option(
            names = "--dynamodb-throttle-rate",
            paramLabel = "FRACTION",
            description =
                    "Share of the function's DynamoDB calls throttled, on top of real throttling " + "(default: none).")
    double dynamoDbThrottleRate = 0.0;

    @Option(
            names = "--invoke-throttle-rate",
            paramLabel = "FRACTION",
            description = "Share of the mapping's invocations throttled on top of --reserved-concurrency: the "
                    + "function is not invoked and the records come back after the visibility timeout with their "
                    + "receive count raised, as on AWS (default: none).")
    double invokeThrottleRate = 0.0;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the fault draws, so a faulty run can be repeated; faults inside the function are "
                    + "drawn from it and each invocation's identity, whatever the threads' timing "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed = 1L;

    @Option(
            names = "--aws-scaling",
            description = "Widen the mapping as AWS does, in real time, instead of at once: standard mode starts at 5 "
                    + "concurrent invocations and adds 300 a minute while messages wait; with --minimum-pollers or "
                    + "--maximum-pollers, provisioned mode starts at the minimum pollers x 10 and adds 1,000 a minute "
                    + "up to the maximum pollers x 10.")
    boolean awsScaling;

    @Option(
            names = "--minimum-pollers",
            paramLabel = "N",
            description = "With --aws-scaling, provisioned mode's minimum pollers, 2 to 200 (default: 2).")
    Integer minimumPollers;

    @Option(
            names = "--maximum-pollers",
            paramLabel = "N",
            description = "With --aws-scaling, provisioned mode's maximum pollers, up to 2000 (default: 200).")
    Integer maximumPollers;

    /** How the mapping widens: at once, or on AWS's ramp (the forecast's assumptions). */
    EsmScaling scaling() {
        boolean provisioned = minimumPollers != null || maximumPollers != null;
        if (!awsScaling) {
            if (provisioned) {
                throw new UsageException(
                        "--minimum-pollers and --maximum-pollers take effect with --aws-scaling; add it.");
            }
            return EsmScaling.immediate();
        }
        if (!provisioned) {
            return EsmScaling.standard(Assumptions.defaults());
        }
        try {
            return EsmScaling.provisioned(
                    Assumptions.defaults(),
                    minimumPollers != null ? minimumPollers : 2,
                    maximumPollers != null ? maximumPollers : 200);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + ". Fix --minimum-pollers or --maximum-pollers.");
        }
    }

    /**
     * The faults to inject, every rate checked before anything starts; a rate outside 0 to 1 is refused
     * naming its option.
     */
    FaultPlan faultPlan() {
        rate("--fail-rate", failRate);
        rate("--crash-rate", crashRate);
        rate("--timeout-rate", timeoutRate);
        rate("--sqs-fault-rate", sqsFaultRate);
        rate("--crash-inside-rate", crashInsideRate);
        rate("--lost-response-rate", lostResponseRate);
        rate("--dynamodb-conflict-rate", dynamoDbConflictRate);
        rate("--dynamodb-throttle-rate", dynamoDbThrottleRate);
        rate("--invoke-throttle-rate", invokeThrottleRate);
        if (failRate + crashRate + timeoutRate > 1) {
            throw new UsageException("--fail-rate, --crash-rate and --timeout-rate add up to "
                    + (failRate + crashRate + timeoutRate) + "; together they can be at most 1.");
        }
        return new FaultPlan(failRate, crashRate, timeoutRate, seed)
                .withInvokeThrottleRate(invokeThrottleRate)
                .withCalls(new FaultPlan.CallRates(
                        crashInsideRate, lostResponseRate, dynamoDbConflictRate, dynamoDbThrottleRate));
    }

    private static void rate(String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new UsageException(option + " must be a fraction from 0 to 1, got " + value + ".");
        }
    }

    /** The reserved concurrency: as given, or room beside the mapping's for direct invocations. */
    int reservedConcurrency() {
        return reservedConcurrency != null ? reservedConcurrency : concurrency + 10;
    }
}
