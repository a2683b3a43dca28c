package dev.loadsplitter.cli;

import dev.loadsplitter.engine.config.EngineSettings;
import dev.loadsplitter.engine.config.InvalidSettingException;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.fault.FaultPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The function, queue and mapping options that run, invoke and serve share. */
final class FunctionOptions {

    /** The variable our sample function reads for --delay (TagWork.PROCESSING_DELAY in the function module). */
    static final String PROCESSING_DELAY = "PROCESSING_DELAY";

    @Option(
            names = "--delay",
            defaultValue = "5s",
            paramLabel = "DURATION",
            description = "Simulated processing time per tag (default: ${DEFAULT-VALUE}).")
    Duration delay;

    @Option(
            names = "--max-items-per-task",
            defaultValue = "1",
            paramLabel = "K",
            description =
                    "A task of more than K tags is split into sub-tasks of at most K (default: ${DEFAULT-VALUE}).")
    int maxItemsPerTask;

    @Option(
            names = "--function-timeout",
            defaultValue = "60s",
            paramLabel = "DURATION",
            description = "The function timeout; a longer invocation fails as on Lambda (default: ${DEFAULT-VALUE}).")
    Duration functionTimeout;

    @Option(
            names = "--memory",
            defaultValue = "1024",
            paramLabel = "MB",
            description = "The function's memory, reported to it (default: ${DEFAULT-VALUE}).")
    int memoryMb;

    @Option(
            names = "--reserved-concurrency",
            paramLabel = "N",
            description = "The function's concurrency limit (default: --concurrency + 10, leaving room for the "
                    + "direct invocations beside the mapping's, so none is throttled).")
    Integer reservedConcurrency;

    @Option(
            names = "--concurrency",
            defaultValue = "1000",
            paramLabel = "N",
            description = "The SQS event source mapping's maximum concurrency, 2 to 1000 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--batch-size",
            defaultValue = "1",
            paramLabel = "N",
            description =
                    "Records per invocation from the queue; 1 gives N+1 invocations for N tags (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--batching-window",
            defaultValue = "0",
            paramLabel = "DURATION",
            description = "How long the mapping gathers records before invoking (default: none).")
    Duration batchingWindow;

    @Option(
            names = "--visibility-timeout",
            paramLabel = "DURATION",
            description = "The work queue's visibility timeout (default: 6 x the function timeout, as AWS advises).")
    Duration visibilityTimeout;

    @Option(
            names = "--max-receive-count",
            defaultValue = "5",
            paramLabel = "N",
            description = "Receives before a message moves to the dead-letter queue (default: ${DEFAULT-VALUE}).")
    int maxReceiveCount;

    @Option(
            names = "--function-jar",
            paramLabel = "JAR",
            description = "The function's deployable jar (default: function/target/load-splitter-function.jar).")
    Path functionJar;

    @Option(
            names = "--handler",
            paramLabel = "CLASS::METHOD",
            description =
                    "The function's handler, as in Lambda's configuration (default: " + LocalSettings.HANDLER + ").")
    String handler = LocalSettings.HANDLER;

    @Option(
            names = "--env",
            paramLabel = "NAME=VALUE",
            description = "Another environment variable for the function; repeatable.")
    Map<String, String> extraEnvironment = new LinkedHashMap<>();

    @Option(
            names = "--async-retry-pause",
            defaultValue = "1s",
            paramLabel = "DURATION",
            description =
                    "Pause before an asynchronous invocation's first retry; Lambda waits about a minute (default: ${DEFAULT-VALUE}).")
    Duration asyncRetryPause;

    @Option(
            names = "--fail-rate",
            defaultValue = "0",
            paramLabel = "FRACTION",
            description = "Share of invocations that fail as if the function threw (default: none).")
    double failRate;

    @Option(
            names = "--crash-rate",
            defaultValue = "0",
            paramLabel = "FRACTION",
            description = "Share of invocations whose container dies before answering: the work is done, the "
                    + "result lost (default: none).")
    double crashRate;

    @Option(
            names = "--timeout-rate",
            defaultValue = "0",
            paramLabel = "FRACTION",
            description = "Share of invocations that run past the function timeout (default: none).")
    double timeoutRate;

    @Option(
            names = "--sqs-fault-rate",
            defaultValue = "0",
            paramLabel = "FRACTION",
            description = "Share of the function's SQS requests answered with a 500 or a throttling error by a "
                    + "fault proxy, so the SDK's retries are exercised (default: none).")
    double sqsFaultRate;

    @Option(
            names = "--seed",
            defaultValue = "1",
            paramLabel = "N",
            description = "Seed of the fault draws, so a faulty run can be repeated (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The settings for a local environment, with the embedded SQS server on {@code sqsHost:sqsPort}. */
    LocalSettings toSettings(String sqsHost, int sqsPort, boolean mappingEnabled) {
        return toSettings(sqsHost, sqsPort, 0, mappingEnabled, Optional.empty());
    }

    /** The same, with queues and messages kept under {@code dataDirectory} when given. */
    LocalSettings toSettings(
            String sqsHost, int sqsPort, int awsPort, boolean mappingEnabled, Optional<Path> dataDirectory) {
        Map<String, String> environment = new HashMap<>(extraEnvironment);
        environment.put(PROCESSING_DELAY, Long.toString(delay.toMillis()));
        environment.put(EngineSettings.MAX_ITEMS_PER_TASK.name(), Integer.toString(maxItemsPerTask));
        try {
            // Settings the function would refuse at its first invocation are refused here, before anything starts.
            EngineSettings.from(environment);
        } catch (InvalidSettingException e) {
            String name = e.setting().name();
            throw new UsageException(e.problem() + ". Fix "
                    + (name.equals(EngineSettings.MAX_ITEMS_PER_TASK.name())
                            ? "--max-items-per-task"
                            : "--env " + name + "=…")
                    + ".");
        }
        Duration visibility = visibilityTimeout != null ? visibilityTimeout : functionTimeout.multipliedBy(6);
        int reserved = reservedConcurrency != null ? reservedConcurrency : concurrency + 10;
        return new LocalSettings(
                jar(),
                LocalSettings.FUNCTION_NAME,
                handler,
                memoryMb,
                functionTimeout,
                reserved,
                environment,
                visibility,
                maxReceiveCount,
                new EsmSettings(batchSize, batchingWindow, concurrency, true, mappingEnabled),
                sqsHost,
                sqsPort,
                awsPort,
                asyncRetryPause,
                new FaultPlan(failRate, crashRate, timeoutRate, seed),
                sqsFaultRate,
                dataDirectory);
    }

    private Path jar() {
        if (functionJar != null) {
            return functionJar;
        }
        String home = System.getProperty("loadsplitter.home");
        Path base = home != null ? Path.of(home) : Path.of("");
        Path jar = base.resolve("function").resolve("target").resolve("load-splitter-function.jar");
        if (home == null && !Files.exists(jar)) {
            Path fromModule = Path.of("..", "function", "target", "load-splitter-function.jar");
            if (Files.exists(fromModule)) {
                return fromModule;
            }
        }
        return jar;
    }

    /** The function's RECORD_CONCURRENCY as --env sets it, or its default: how many records of a batch run at once. */
    int recordConcurrency() {
        return EngineSettings.RECORD_CONCURRENCY.readInt(extraEnvironment, 1, 10_000);
    }
}
