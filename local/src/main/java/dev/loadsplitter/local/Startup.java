package dev.loadsplitter.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import dev.loadsplitter.local.container.EnvironmentBudget;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionLog;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.esm.EventSourceMapping;
import dev.loadsplitter.local.fault.FaultBroker;
import dev.loadsplitter.local.fault.SqsFaultProxy;
import dev.loadsplitter.local.forecast.Assumptions;
import dev.loadsplitter.local.invoke.AsyncEventStore;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.invoke.LambdaApiServer;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts the local system's parts in order (SQS and its queues, the DynamoDB and EventBridge
 * endpoint, the function's Lambda endpoint, the SQS fault proxy, the function, its three mappings,
 * the asynchronous invoker, the sweep) and, should a step fail, closes what it had started.
 */
final class Startup {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Startup.class);

    /**
     * What a start started.
     *
     * @param sqs the embedded SQS server
     * @param queues the work queue and its dead-letter queue
     * @param parkedUrl the queue dead-lettered sub-tasks are parked in
     * @param aws the local DynamoDB and EventBridge endpoint
     * @param faultProxy the proxy the function reaches SQS through, when a fault needs one
     * @param function the function's containers
     * @param mapping the work queue's mapping
     * @param deadLetterMapping the DLQ's mapping, which polls only for our handler
     * @param failedEventsMapping the failed-events queue's mapping, which polls only for our handler
     * @param async the asynchronous invocations
     * @param selfInvoke the Lambda endpoint the function invokes itself through with DISPATCH=invoke
     * @param sweeper the ledger's sweep on a schedule, when the function keeps jobs of ours
     * @param functionArn the function's ARN
     * @param countsDeadLetters whether the function is our handler, whose DLQ mapping counts dead letters
     *     into their jobs
     */
    record Parts(
            EmbeddedSqs sqs,
            EmbeddedSqs.QueuePair queues,
            String parkedUrl,
            LocalAwsEndpoint aws,
            Optional<SqsFaultProxy> faultProxy,
            FunctionRuntime function,
            EventSourceMapping mapping,
            EventSourceMapping deadLetterMapping,
            EventSourceMapping failedEventsMapping,
            AsyncInvoker async,
            Optional<LambdaApiServer> selfInvoke,
            Optional<Sweeper> sweeper,
            String functionArn,
            boolean countsDeadLetters) {

        Parts {
            Objects.requireNonNull(sqs, "sqs");
            Objects.requireNonNull(queues, "queues");
            Objects.requireNonNull(parkedUrl, "parkedUrl");
            Objects.requireNonNull(aws, "aws");
            Objects.requireNonNull(faultProxy, "faultProxy");
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(mapping, "mapping");
            Objects.requireNonNull(deadLetterMapping, "deadLetterMapping");
            Objects.requireNonNull(failedEventsMapping, "failedEventsMapping");
            Objects.requireNonNull(async, "async");
            Objects.requireNonNull(selfInvoke, "selfInvoke");
            Objects.requireNonNull(sweeper, "sweeper");
            Objects.requireNonNull(functionArn, "functionArn");
        }
    }

    private final LocalSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ObjectMapper json = EventJson.create();
    private final Rollback started = new Rollback();

    private Startup(LocalSettings settings, Clock clock, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Starts every part for {@code settings}; when a step fails, closes what was started, newest first,
     * and throws the step's failure.
     */
    static Parts start(
            LocalSettings settings,
            InvocationListener listener,
            FunctionLog functionLog,
            Clock clock,
            Sleeper sleeper) {
        Startup startup = new Startup(settings, clock, sleeper);
        try {
            return startup.startAll(listener, functionLog);
        } catch (RuntimeException | Error e) {
            startup.started.closeAll(e);
            throw e;
        }
    }

    private Parts startAll(InvocationListener listener, FunctionLog functionLog) {
        EmbeddedSqs sqs = started.add(settings.dataDirectory()
                .map(directory -> EmbeddedSqs.startDurable(settings.sqsHost(), settings.sqsPort(), directory))
                .orElseGet(() -> EmbeddedSqs.start(settings.sqsHost(), settings.sqsPort())));
        EmbeddedSqs.QueuePair queues = sqs.createQueues(
                settings.queueName(), settings.dlqName(), settings.maxReceiveCount(), settings.visibilityTimeout());
        String parkedUrl = sqs.createQueue(settings.parkedName());
        // It invokes the function too (its mapping below): the same visibility timeout as the work queue and the DLQ.
        String failedEventsUrl = sqs.createQueue(settings.failedEventsName(), settings.visibilityTimeout());
        if (settings.dataDirectory().isPresent()) {
            int dropped = sqs.dropDeadLetteredCopies(queues, RunState.parkedFrom(sqs, parkedUrl));
            if (dropped > 0) {
                log.info(
                        "Restored queues: removed {} stale copies of dead-lettered messages from {}",
                        dropped,
                        settings.queueName());
            }
        }
        // Which invocation made each of the function's calls, and what goes wrong with it: every endpoint asks.
        FaultBroker faults = new FaultBroker(settings.faults());
        // The bus keeps events as long as the records last, so a job's completion event outlives it in neither.
        LocalAwsEndpoint aws = started.add(LocalAwsEndpoint.start(
                settings.sqsHost(),
                settings.awsPort(),
                clock,
                settings.awsEndpoint()
                        .withEventRetention(FunctionEnvironment.recordsTimeToLive(settings.environment())),
                faults));
        aws.createTable(settings.recordsTableName(), DynamoDbLedgerTable.PK, DynamoDbLedgerTable.SK);
        // As the deployment's table: DynamoDB's TTL removes records through expiresAt.
        aws.enableTimeToLive(settings.recordsTableName(), MemoryLedgerTable.EXPIRES_AT);
        // DISPATCH=invoke: the function invokes itself asynchronously, through a Lambda endpoint of the
        // runtime's. Its port is bound now, before the function's environment names it, and served later.
        Optional<HttpServer> selfInvokePort = Optional.empty();
        if (FunctionEnvironment.invokesItself(settings.environment())) {
            HttpServer bound = LambdaApiServer.bind(settings.sqsHost(), 0);
            started.add(() -> bound.stop(0));
            selfInvokePort = Optional.of(bound);
        }
        Optional<SqsFaultProxy> proxy = Optional.empty();
        if (settings.sqsFaultRate() > 0 || !settings.faults().calls().isNone()) {
            proxy = Optional.of(started.add(SqsFaultProxy.start(
                    sqs.endpoint(),
                    faults,
                    settings.sqsFaultRate(),
                    settings.faults().seed())));
        }
        String failedEventsArn = sqs.arnOf(failedEventsUrl);
        Map<String, String> environment = FunctionEnvironment.compose(
                settings,
                new FunctionEnvironment.Addresses(
                        sqs.environment(queues.url()),
                        aws.url(),
                        selfInvokePort.map(bound -> URI.create("http://" + settings.sqsHost() + ":"
                                + bound.getAddress().getPort())),
                        proxy.map(SqsFaultProxy::endpoint),
                        queues.dlqArn(),
                        parkedUrl,
                        failedEventsArn));
        FunctionDefinition definition = new FunctionDefinition(
                settings.functionName(),
                settings.handler(),
                settings.functionJar(),
                settings.memoryMb(),
                settings.functionTimeout(),
                environment,
                settings.isolation());
        String arn = "arn:aws:lambda:" + EmbeddedSqs.REGION + ":" + EmbeddedSqs.ACCOUNT + ":function:"
                + settings.functionName();
        // With AWS's scaling, new execution environments come at Lambda's rate too (direct invocations feel it).
        EnvironmentBudget budget = settings.esm().scaling().followsAws()
                ? EnvironmentBudget.per10Seconds(Assumptions.defaults().value(Assumptions.FUNCTION_SCALING), clock)
                : EnvironmentBudget.unlimited();
        FunctionRuntime function = started.add(FunctionRuntime.builder(definition)
                .arn(arn)
                .reservedConcurrency(settings.reservedConcurrency())
                .clock(clock)
                .functionLog(functionLog)
                .listener(listener)
                .faults(faults)
                .budget(budget)
                .build());
        EventSourceMapping mapping =
                started.add(mapping(sqs, queues.url(), queues.arn(), function, settings.esm(), Trigger.SQS));
        // The DLQ invokes the function too, in batches of 10, as the deployment's second mapping does: for our
        // handler, which counts dead letters into their jobs. Any other function's dead letters stay in the DLQ.
        boolean countsDeadLetters = definition.handlerClass().equals(LocalSettings.HANDLER_CLASS);
        boolean ours = settings.esm().enabled() && countsDeadLetters;
        EventSourceMapping deadLetterMapping = started.add(mapping(
                sqs,
                queues.dlqUrl(),
                queues.dlqArn(),
                function,
                new EsmSettings(10, Duration.ZERO, Math.min(10, settings.esm().maximumConcurrency()), true, ours),
                Trigger.DEAD_LETTERS));
        // The failed-events queue invokes it too, as the deployment's third mapping does: each invocation record's
        // event runs again, so a root split that failed every asynchronous attempt finishes instead of waiting for
        // its deadline. For our handler only; any other function's failed events stay for 'dlq redrive'.
        EventSourceMapping failedEventsMapping = started.add(mapping(
                sqs,
                failedEventsUrl,
                failedEventsArn,
                function,
                new EsmSettings(10, Duration.ZERO, Math.min(2, settings.esm().maximumConcurrency()), true, ours),
                Trigger.FAILED_EVENTS));
        // With --data-dir, accepted events are kept on disk until done, as Lambda's queue keeps them.
        AsyncInvoker async = started.add(AsyncInvoker.start(
                function,
                settings.async(),
                clock,
                sleeper,
                settings.dataDirectory()
                        .map(directory -> AsyncEventStore.directory(directory.resolve("async-invocations")))
                        .orElseGet(AsyncEventStore::memory),
                new FailedEventsDestination(sqs.client(), failedEventsUrl, json, arn, clock)));
        Optional<LambdaApiServer> selfInvoke =
                selfInvokePort.map(bound -> LambdaApiServer.serve(bound, function, async, arn));
        mapping.start();
        deadLetterMapping.start();
        failedEventsMapping.start();
        // The ledger's sweep on a schedule, as the deployment's rule runs it: for our handler, keeping its jobs.
        Optional<Sweeper> sweeper =
                ours ? Optional.of(started.add(Sweeper.start(function, environment, sleeper))) : Optional.empty();
        return new Parts(
                sqs,
                queues,
                parkedUrl,
                aws,
                proxy,
                function,
                mapping,
                deadLetterMapping,
                failedEventsMapping,
                async,
                selfInvoke,
                sweeper,
                arn,
                countsDeadLetters);
    }

    private EventSourceMapping mapping(
            EmbeddedSqs sqs,
            String queueUrl,
            String queueArn,
            FunctionRuntime function,
            EsmSettings esm,
            Trigger trigger) {
        return EventSourceMapping.builder()
                .queue(sqs.client(), queueUrl, queueArn, EmbeddedSqs.REGION)
                .function(function)
                .settings(esm)
                .json(json)
                .trigger(trigger)
                .clock(clock)
                .sleeper(sleeper)
                .build();
    }
}
