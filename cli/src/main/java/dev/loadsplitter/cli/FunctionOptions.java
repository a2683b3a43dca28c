package dev.loadsplitter.cli;

import dev.loadsplitter.engine.config.InvalidSettingException;
import dev.loadsplitter.engine.config.Settings;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.Isolation;
import dev.loadsplitter.local.container.ProcessEnvironment;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.invoke.AsyncSettings;
import dev.loadsplitter.local.report.InvocationLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The function's options (its jar, handler, environment, memory, timeout, logs), which run, invoke and serve share. */
final class FunctionOptions {

    /** The variable our sample function reads for --delay (TagWork.PROCESSING_DELAY in the function module). */
    static final String PROCESSING_DELAY = "PROCESSING_DELAY";

    /** Lambda's log format variable, which --log-format sets. */
    static final String LOG_FORMAT = "AWS_LAMBDA_LOG_FORMAT";

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
            description = "Another environment variable for the function, read with System.getenv as on Lambda; "
                    + "repeatable. A variable an option of ours sets (PROCESSING_DELAY: --delay, MAX_ITEMS_PER_TASK: "
                    + "--max-items-per-task, AWS_LAMBDA_LOG_FORMAT: --log-format, ...) or that Lambda reserves "
                    + "(AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, ...) is refused.")
    Map<String, String> extraEnvironment = new LinkedHashMap<>();

    @Option(
            names = "--isolation",
            paramLabel = "auto|process|none",
            description = "Where the function's containers run: 'process' in a JVM of the function's own, started "
                    + "with its environment, as Lambda runs every Java function; 'none' in this JVM, for a "
                    + "RequestStreamHandler with a Map<String, String> constructor (ours), which is quicker; 'auto' "
                    + "picks 'none' for such a handler and 'process' for any other (default: ${DEFAULT-VALUE}).")
    String isolation = "auto";

    @Option(
            names = "--dispatch",
            paramLabel = "sqs|invoke",
            description = "How our function dispatches sub-tasks (DISPATCH): 'sqs', through the work queue and its "
                    + "mapping, or 'invoke', by invoking itself asynchronously through the runtime's Lambda endpoint, "
                    + "retried twice and then sent to the failed-events queue (default: ${DEFAULT-VALUE}).")
    String dispatch = "sqs";

    @Option(
            names = "--job-deadline",
            paramLabel = "DURATION",
            description = "How long a job may stay open before the sweep closes it as TIMED_OUT, its open items "
                    + "counted as skipped (JOB_DEADLINE; default: the function's, 5d). The local runtime sweeps "
                    + "every quarter of it, between 1s and 1m.")
    Duration jobDeadline;

    @Option(
            names = "--tolerated-failure-count",
            paramLabel = "N",
            description = "The most dead-lettered items a job tolerates (TOLERATED_FAILURE_COUNT): when more fail, "
                    + "the job stops, its items not started are skipped, and it closes FAILED (default: no bound).")
    Long toleratedFailureCount;

    @Option(
            names = "--tolerated-failure-percentage",
            paramLabel = "P",
            description = "The same as a percentage of the job's items, 0 to 100 (TOLERATED_FAILURE_PERCENTAGE; "
                    + "default: no bound).")
    Double toleratedFailurePercentage;

    @Option(
            names = "--log-format",
            paramLabel = "text|json",
            description = "Lambda's log format (AWS_LAMBDA_LOG_FORMAT): 'text', or 'json' for one JSON object per line "
                    + "(default: ${DEFAULT-VALUE}).")
    String logFormat = "text";

    /** The settings for a local environment, with the embedded SQS server on {@code sqsHost:sqsPort}. */
    LocalSettings toSettings(MappingOptions mapping, String sqsHost, int sqsPort, boolean mappingEnabled) {
        return toSettings(mapping, sqsHost, sqsPort, 0, mappingEnabled, Optional.empty());
    }

    /** The same, with queues and messages kept under {@code dataDirectory} when given. */
    LocalSettings toSettings(
            MappingOptions mapping,
            String sqsHost,
            int sqsPort,
            int awsPort,
            boolean mappingEnabled,
            Optional<Path> dataDirectory) {
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put(PROCESSING_DELAY, "--delay");
        ours.put(Settings.MAX_ITEMS_PER_TASK.name(), "--max-items-per-task");
        ours.put(Settings.MAX_RECEIVE_COUNT.name(), "--max-receive-count");
        ours.put(LOG_FORMAT, "--log-format");
        ours.put(Settings.DISPATCH.name(), "--dispatch");
        ours.put(Settings.JOB_DEADLINE.name(), "--job-deadline");
        ours.put(Settings.TOLERATED_FAILURE_COUNT.name(), "--tolerated-failure-count");
        ours.put(Settings.TOLERATED_FAILURE_PERCENTAGE.name(), "--tolerated-failure-percentage");
        for (String name : LocalEnvironment.RUNTIME_VARIABLES) {
            ours.putIfAbsent(name, "the local runtime, which points the function at its own queues and endpoints");
        }
        for (String name : extraEnvironment.keySet()) {
            if (ours.containsKey(name)) {
                String owner = ours.get(name);
                throw new UsageException("--env " + name + "=" + extraEnvironment.get(name)
                        + " would be overwritten by " + owner
                        + (owner.startsWith("--") ? ", which sets " + name + "; use " + owner + " instead." : "."));
            }
            if (ProcessEnvironment.RESERVED.contains(name)) {
                throw new UsageException(
                        "--env " + name + " is refused: Lambda reserves " + name + " and sets it itself "
                                + "(as the local runtime does), so a function's configuration cannot.");
            }
        }
        Map<String, String> environment = new HashMap<>(extraEnvironment);
        environment.put(PROCESSING_DELAY, Long.toString(delay.toMillis()));
        environment.put(Settings.MAX_ITEMS_PER_TASK.name(), Integer.toString(maxItemsPerTask));
        environment.put(LOG_FORMAT, logFormat().lambdaName());
        environment.put(Settings.DISPATCH.name(), dispatch);
        if (jobDeadline != null) {
            environment.put(Settings.JOB_DEADLINE.name(), jobDeadline.toMillis() + "ms");
        }
        if (toleratedFailureCount != null) {
            environment.put(Settings.TOLERATED_FAILURE_COUNT.name(), Long.toString(toleratedFailureCount));
        }
        if (toleratedFailurePercentage != null) {
            environment.put(Settings.TOLERATED_FAILURE_PERCENTAGE.name(), toleratedFailurePercentage.toString());
        }
        try {
            // Settings the function would refuse at its first invocation are refused here, before anything starts.
            Settings.check(environment);
        } catch (InvalidSettingException e) {
            String name = e.setting().name();
            String option = ours.getOrDefault(name, "");
            throw new UsageException(
                    e.problem() + ". Fix " + (option.startsWith("--") ? option : "--env " + name + "=…") + ".");
        }
        Duration visibility =
                mapping.visibilityTimeout != null ? mapping.visibilityTimeout : functionTimeout.multipliedBy(6);
        AsyncSettings async;
        try {
            async = AsyncSettings.lambdaDefaults(mapping.asyncRetryPause, mapping.asyncMaxEventAge);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--async-retry-pause or --async-max-event-age: " + e.getMessage() + ".");
        }
        return new LocalSettings(
                jar(),
                LocalSettings.FUNCTION_NAME,
                handler,
                memoryMb,
                functionTimeout,
                mapping.reservedConcurrency(),
                environment,
                visibility,
                mapping.maxReceiveCount,
                new EsmSettings(
                        mapping.batchSize,
                        mapping.batchingWindow,
                        mapping.concurrency,
                        true,
                        mappingEnabled,
                        mapping.scaling()),
                sqsHost,
                sqsPort,
                awsPort,
                async,
                mapping.faultPlan(),
                mapping.sqsFaultRate,
                dataDirectory,
                isolation());
    }

    /** Lambda's log format, from {@code --log-format}. */
    InvocationLog.Format logFormat() {
        return switch (logFormat.toLowerCase(Locale.ROOT)) {
            case "text" -> InvocationLog.Format.TEXT;
            case "json" -> InvocationLog.Format.JSON;
            default -> throw new UsageException("--log-format must be text or json, got '" + logFormat + "'.");
        };
    }

    private Isolation isolation() {
        for (Isolation candidate : Isolation.values()) {
            if (candidate.option().equalsIgnoreCase(isolation)) {
                return candidate;
            }
        }
        throw new UsageException("--isolation must be auto, process or none, got '" + isolation + "'.");
    }

    private Path jar() {
        return functionJar != null ? functionJar : defaultJar();
    }

    /** Our function's jar: under the launcher's home, or this checkout's {@code function/target}. */
    static Path defaultJar() {
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
        return Settings.RECORD_CONCURRENCY.readInt(extraEnvironment, 1, 10_000);
    }
}
