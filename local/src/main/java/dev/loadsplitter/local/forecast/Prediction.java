package dev.loadsplitter.local.forecast;

/**
 * What one dispatch path is predicted to take.
 *
 * @param wallSeconds from the event to the last invocation's end
 * @param peakConcurrency the most invocations at once
 * @param invocations invocations in all, the root's included
 * @param coldStarts execution environments created
 * @param gbSeconds billed duration (initialisation included) times memory
 * @param lambdaRequests Lambda requests billed
 * @param sqsRequests SQS requests: sends, receives and deletes
 * @param pollerHours provisioned poller-hours, in provisioned mode
 * @param costUsd the whole, at the assumed prices
 */
public record Prediction(
        double wallSeconds,
        int peakConcurrency,
        long invocations,
        long coldStarts,
        double gbSeconds,
        long lambdaRequests,
        long sqsRequests,
        double pollerHours,
        double costUsd) {}
