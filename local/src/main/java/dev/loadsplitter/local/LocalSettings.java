package dev.loadsplitter.local;

import dev.loadsplitter.local.aws.LocalAwsSettings;
import dev.loadsplitter.local.container.Isolation;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.invoke.AsyncSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the local runtime needs to stand up the function, its queues and its mapping: the
 * same settings the Terraform deployment uses on AWS.
 *
 * @param functionJar the deployable jar
 * @param functionName the function's name; queues are named after it
 * @param handler the handler string
 * @param memoryMb the function's memory
 * @param functionTimeout the function timeout
 * @param reservedConcurrency the function's concurrency limit
 * @param environment the function's environment, besides what the runtime sets to reach its queue
 * @param visibilityTimeout the work queue's visibility timeout
 * @param maxReceiveCount receives before SQS moves a message to the dead-letter queue
 * @param esm the event source mapping
 * @param sqsHost the address the embedded SQS server listens on
 * @param sqsPort its port, 0 for any free one
 * @param awsPort the port of the local DynamoDB and EventBridge endpoint, 0 for any free one
 * @param async how asynchronous invocations are retried and how long their events are kept
 * @param faults invocations that go wrong on purpose
 * @param sqsFaultRate share of the function's SQS requests answered with a 500 or a throttle
 * @param dataDirectory where the SQS server keeps queues and messages across restarts; empty for memory only
 * @param isolation where the function's containers run
 * @param aws how strict the local DynamoDB and EventBridge endpoint is (transaction window, per-item capacity);
 *     its data directory comes from {@code dataDirectory}
 */
public record LocalSettings(
        Path functionJar,
        String functionName,
        String handler,
        int memoryMb,
        Duration functionTimeout,
        int reservedConcurrency,
        Map<String, String> environment,
        Duration visibilityTimeout,
        int maxReceiveCount,
        EsmSettings esm,
        String sqsHost,
        int sqsPort,
        int awsPort,
        AsyncSettings async,
        FaultPlan faults,
        double sqsFaultRate,
        Optional<Path> dataDirectory,
        Isolation isolation,
        LocalAwsSettings aws) {

    /** The function's name on AWS and here. */
    public static final String FUNCTION_NAME = "load-splitter";
    /** Our generic handler's class. */
    public static final String HANDLER_CLASS = "dev.loadsplitter.lambda.LoadSplitterHandler";
    /** The Lambda entry class of the function jar. */
    public static final String HANDLER = HANDLER_CLASS + "::handleRequest";

    public LocalSettings {
        Objects.requireNonNull(functionJar, "functionJar");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(functionTimeout, "functionTimeout");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        Objects.requireNonNull(esm, "esm");
        Objects.requireNonNull(sqsHost, "sqsHost");
        Objects.requireNonNull(async, "async");
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(aws, "aws");
        if (!(sqsFaultRate >= 0 && sqsFaultRate <= 1)) {
            throw new IllegalArgumentException("SQS fault rate must be from 0 to 1, got " + sqsFaultRate);
        }
        if (visibilityTimeout.toSeconds() < 0 || visibilityTimeout.toSeconds() > 43_200) {
            throw new IllegalArgumentException(
                    "visibility timeout must be from 0 to 12 hours, got " + visibilityTimeout);
        }
        if (maxReceiveCount < 1 || maxReceiveCount > 1_000) {
            throw new IllegalArgumentException("max receive count must be from 1 to 1000, got " + maxReceiveCount);
        }
        if (sqsPort < 0 || sqsPort > 65_535) {
            throw new IllegalArgumentException("SQS port must be from 0 to 65535, got " + sqsPort);
        }
        if (awsPort < 0 || awsPort > 65_535) {
            throw new IllegalArgumentException("DynamoDB/EventBridge port must be from 0 to 65535, got " + awsPort);
        }
    }

    /** The same settings, with the endpoint's defaults ({@link LocalAwsSettings#defaults()}). */
    public LocalSettings(
            Path functionJar,
            String functionName,
            String handler,
            int memoryMb,
            Duration functionTimeout,
            int reservedConcurrency,
            Map<String, String> environment,
            Duration visibilityTimeout,
            int maxReceiveCount,
            EsmSettings esm,
            String sqsHost,
            int sqsPort,
            int awsPort,
            AsyncSettings async,
            FaultPlan faults,
            double sqsFaultRate,
            Optional<Path> dataDirectory,
            Isolation isolation) {
        this(
                functionJar,
                functionName,
                handler,
                memoryMb,
                functionTimeout,
                reservedConcurrency,
                environment,
                visibilityTimeout,
                maxReceiveCount,
                esm,
                sqsHost,
                sqsPort,
                awsPort,
                async,
                faults,
                sqsFaultRate,
                dataDirectory,
                isolation,
                LocalAwsSettings.defaults());
    }

    /** The same settings with the local DynamoDB and EventBridge endpoint's {@code aws}. */
    public LocalSettings withAws(LocalAwsSettings aws) {
        return new LocalSettings(
                functionJar,
                functionName,
                handler,
                memoryMb,
                functionTimeout,
                reservedConcurrency,
                environment,
                visibilityTimeout,
                maxReceiveCount,
                esm,
                sqsHost,
                sqsPort,
                awsPort,
                async,
                faults,
                sqsFaultRate,
                dataDirectory,
                isolation,
                aws);
    }

    /**
     * The endpoint's settings as it starts: {@link #aws()}, keeping its tables and bus in
     * {@code <dataDirectory>/aws} when there is a data directory.
     */
    public LocalAwsSettings awsEndpoint() {
        return dataDirectory
                .map(directory -> aws.withDataDirectory(directory.resolve("aws")))
                .orElse(aws);
    }

    /** The work queue's name: {@code load-splitter-queue}. */
    public String queueName() {
        return functionName + "-queue";
    }

    /** The asynchronous invocations' on-failure destination: {@code load-splitter-failed-events}. */
    public String failedEventsName() {
        return functionName + "-failed-events";
    }

    /** Where dead-lettered sub-tasks are parked once counted into their jobs: {@code load-splitter-parked}. */
    public String parkedName() {
        return functionName + "-parked";
    }

    /** The DynamoDB table of processing and job records: {@code load-splitter-records}. */
    public String recordsTableName() {
        return functionName + "-records";
    }

    /** The dead-letter queue's name: {@code load-splitter-dlq}. */
    public String dlqName() {
        return functionName + "-dlq";
    }
}
