package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.invoke.LambdaApiServer;
import dev.loadsplitter.local.memory.HeapGuard;
import dev.loadsplitter.local.report.InvocationLog;
import dev.loadsplitter.local.report.RunRecorder;
import dev.loadsplitter.sqs.PortUnavailableException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code load-splitter serve}: the SQS endpoint, the Lambda Invoke API and the mapping, until interrupted. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Keeps the system running until interrupted: an SQS endpoint (ElasticMQ), a Lambda Invoke API "
                + "endpoint for the function 'load-splitter', and the SQS event source mapping. The AWS CLI and SDKs "
                + "work against both with --endpoint-url. Ctrl-C lets invocations in flight finish and leaves "
                + "undelivered messages on the queue.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    FunctionOptions function;

    @Mixin
    MappingOptions mapping;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description = "Address every endpoint listens on (default: ${DEFAULT-VALUE}). The endpoints check no "
                    + "credentials and run the function with its --env, so any other address prints a warning: "
                    + "whoever can reach it can invoke the function and read its queues.")
    String host;

    @Option(
            names = "--sqs-port",
            defaultValue = "9324",
            paramLabel = "PORT",
            description = "Port of the SQS endpoint (default: ${DEFAULT-VALUE}).")
    int sqsPort;

    @Option(
            names = "--lambda-port",
            defaultValue = "9001",
            paramLabel = "PORT",
            description = "Port of the Lambda Invoke API endpoint (default: ${DEFAULT-VALUE}).")
    int lambdaPort;

    @Option(
            names = "--aws-port",
            defaultValue = "9002",
            paramLabel = "PORT",
            description = "Port of the DynamoDB and EventBridge endpoint: the function's processing and job records "
                    + "(table load-splitter-records) and its completion events (default: ${DEFAULT-VALUE}).")
    int awsPort;

    /** serve's transaction window: see docs/local-runtime.md for the measurement behind it. */
    static final String TRANSACTION_WINDOW = "0s";

    @Mixin
    DynamoDbOptions dynamoDb;

    @Option(
            names = "--dynamodb-transaction-window",
            defaultValue = TRANSACTION_WINDOW,
            paramLabel = "DURATION",
            description = "How long a TransactWriteItems holds its items pending in the local DynamoDB before it "
                    + "commits; another transaction touching one meanwhile is cancelled (TransactionConflict) and a "
                    + "plain write refused (TransactionConflictException), as on DynamoDB. 0s commits at once and "
                    + "never conflicts; at most 10s (default: ${DEFAULT-VALUE}).")
    Duration transactionWindow;

    @Option(
            names = "--esm-enabled",
            defaultValue = "true",
            arity = "1",
            paramLabel = "true|false",
            description = "Whether the event source mapping polls; false leaves queued sub-tasks visible for "
                    + "inspection, as a disabled mapping does on AWS (default: ${DEFAULT-VALUE}).")
    boolean esmEnabled;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Keep queues and messages in an H2 database under DIR, and the DynamoDB tables and the "
                    + "EventBridge bus in DIR/aws, each change written before it is answered, so stopping the server, "
                    + "even with kill -9, loses no queued message, record or event (default: memory only).")
    java.nio.file.Path dataDirectory;

    @Option(
            names = "--shutdown-grace",
            defaultValue = "30s",
            paramLabel = "DURATION",
            description =
                    "On Ctrl-C or SIGTERM, how long invocations in flight may take to finish (default: ${DEFAULT-VALUE}).")
    Duration shutdownGrace;

    @Spec
    CommandSpec spec;

    /**
     * The warning for an address other machines may reach: the SQS, Lambda and DynamoDB/EventBridge
     * endpoints take any request, unsigned, and each invocation runs the function with its
     * environment. Empty for a loopback address.
     */
    static Optional<String> exposureWarning(String host) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (loopback) {
            return Optional.empty();
        }
        return Optional.of("load-splitter: warning: --host " + host + " is not a loopback address. The SQS, Lambda "
                + "and DynamoDB/EventBridge endpoints check no credentials, so anyone who can reach " + host
                + " can send and read messages, read the function's records, and invoke the function, which runs "
                + "with the environment given by --env. Use --host 127.0.0.1 (the default) unless other machines "
                + "must reach it, and then only on a network you trust.");
    }

    /** A port the servers could not listen on, as a usage error naming the option that chose it. */
    UsageException portUnavailable(PortUnavailableException e) {
        return portUnavailable(e, Map.of("--sqs-port", sqsPort, "--lambda-port", lambdaPort, "--aws-port", awsPort));
    }

    /** @param options the port options and the port each chose */
    static UsageException portUnavailable(PortUnavailableException e, Map<String, Integer> options) {
        String option = options.entrySet().stream()
                .filter(entry -> entry.getValue() == e.port())
                .map(Map.Entry::getKey)
                .sorted()
                .collect(java.util.stream.Collectors.joining(" or "));
        return new UsageException("Cannot listen on " + e.host() + ":" + e.port() + " (" + e.reason() + "): another "
                + "process, perhaps another 'load-splitter serve', uses it. Stop it, or pick another port with "
                + (option.isEmpty() ? "the port options" : option) + ".");
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        // Said before anything listens, so it is seen even when a port then turns out to be taken.
        exposureWarning(host).ifPresent(warning -> {
            spec.commandLine().getErr().println(warning);
            spec.commandLine().getErr().flush();
        });
        LocalSettings settings = function.toSettings(
                        mapping, host, sqsPort, awsPort, esmEnabled, java.util.Optional.ofNullable(dataDirectory))
                .withAws(dynamoDb.settings(transactionWindow, "--dynamodb-transaction-window"));
        InvocationLog log = new InvocationLog(err, settings.memoryMb(), function.logFormat());
        RunRecorder recorder = new RunRecorder(
                JsonMapper.builder().build(),
                function.maxItemsPerTask,
                function.recordConcurrency(),
                settings.dlqName(),
                log::ended);
        InvocationListener listener = InvocationListener.all(List.of(
                new InvocationListener() {
                    @Override
                    public void started(Started started) {
                        log.started(started);
                    }
                },
                recorder));
        // Each server binds its port as it starts (never probed first: another process could take it meanwhile).
        LocalEnvironment environment;
        try {
            environment = LocalEnvironment.start(settings, listener, log);
        } catch (PortUnavailableException e) {
            throw portUnavailable(e);
        }
        // A server keeps serving when its heap fills; it says so, once, with the fix.
        HeapGuard heapGuard = HeapGuard.watch(
                HeapGuard.DEFAULT_THRESHOLD,
                HeapGuard.DEFAULT_STRIKES,
                message -> err.println(RunCommand.heapAdvice("warning", message, "serve")));
        LambdaApiServer api;
        try {
            api = LambdaApiServer.start(
                    host, lambdaPort, environment.function(), environment.async(), environment.functionArn());
        } catch (RuntimeException e) {
            environment.stop(Duration.ZERO);
            throw e instanceof PortUnavailableException unavailable ? portUnavailable(unavailable) : e;
        }
        Thread serving = Thread.currentThread();
        // SIGTERM and Ctrl-C are handled before the JVM starts to shut down: its shutdown hooks (AWS CRT's among
        // them) would stop the HTTP clients that invocations in flight still need to finish their bookkeeping.
        // Only as the process's own command: a test running serve in its JVM keeps that JVM's handlers.
        for (String name : Boolean.getBoolean(Main.SIGNALS) ? new String[] {"TERM", "INT"} : new String[0]) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> serving.interrupt());
            } catch (IllegalArgumentException unsupported) {
                // A platform without this signal: Ctrl-C then ends the JVM as usual.
            }
        }
        err.printf(
                """
                load-splitter: serving function '%s' (%s)
                  SQS endpoint         %s%s
                  work queue           %s
                  dead-letter queue    %s
                  Lambda endpoint      http://%s:%d
                  event source mapping %s
                Try:
                  aws lambda invoke --endpoint-url http://%s:%d --function-name %s --payload fileb://examples/events/create-tags-5.json out.json
                  aws sqs receive-message --endpoint-url %s --queue-url %s --message-attribute-names All
                Ctrl-C stops polling, lets invocations in flight finish (up to %d s) and leaves the rest on the queue.
                """,
                settings.functionName(),
                settings.handler(),
                environment.sqs().endpoint(),
                dataDirectory == null ? " (in memory)" : " (kept in " + dataDirectory.toAbsolutePath() + ")",
                environment.queues().url(),
                environment.queues().dlqUrl(),
                host,
                api.port(),
                esmEnabled ? "enabled, maximum concurrency " + settings.esm().maximumConcurrency() : "disabled",
                host,
                api.port(),
                settings.functionName(),
                environment.sqs().endpoint(),
                environment.queues().url(),
                shutdownGrace.toSeconds());
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            err.println("load-splitter: stopping: no more polling; waiting up to " + shutdownGrace.toSeconds()
                    + " s for " + environment.function().busy() + " invocations in flight");
        } finally {
            api.close();
            heapGuard.close();
            environment.stop(shutdownGrace);
            err.println("load-splitter: stopped");
        }
        return ExitCodes.OK;
    }
}
