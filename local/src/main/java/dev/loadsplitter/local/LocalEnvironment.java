package dev.loadsplitter.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.internal.config.EngineSettings;
import dev.loadsplitter.engine.internal.config.Once;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.queue.LambdaSqsEvents;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.jobs.Jobs;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import dev.loadsplitter.local.container.EnvironmentBudget;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionLog;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.esm.EventSourceMapping;
import dev.loadsplitter.local.fault.CallFaults;
import dev.loadsplitter.local.fault.FaultBroker;
import dev.loadsplitter.local.fault.SqsFaultProxy;
import dev.loadsplitter.local.forecast.Assumptions;
import dev.loadsplitter.local.invoke.AsyncEventStore;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.invoke.LambdaApiServer;
import dev.loadsplitter.local.report.RunSummary;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The whole system on one machine: an embedded SQS server with the work queue and its DLQ, the
 * function in its containers, the event source mapping between them, and asynchronous
 * invocations as EventBridge makes them. Close it to stop everything.
 */
public final class LocalEnvironment implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LocalEnvironment.class);

    /**
     * The variables the runtime sets in the function's environment to point it at its own queues and
     * endpoints; a function's own settings cannot replace them.
     */
    public static final List<String> RUNTIME_VARIABLES = FunctionEnvironment.RUNTIME_VARIABLES;

    private final LocalSettings settings;
    private final EmbeddedSqs sqs;
    private final EmbeddedSqs.QueuePair queues;
    private final FunctionRuntime function;
    private final EventSourceMapping mapping;
    private final AsyncInvoker async;
    private final String functionArn;
    private final SqsFaultProxy faultProxy;
    private final EventSourceMapping deadLetterMapping;
    private final EventSourceMapping failedEventsMapping;
    private final LocalAwsEndpoint aws;
    /** The Lambda endpoint the function invokes itself through with DISPATCH=invoke; null otherwise. */
    private volatile LambdaApiServer selfInvoke;
    /** The ledger's sweep on a schedule; null when the function keeps no jobs of ours. */
    private volatile Sweeper sweeper;

    private final String parkedUrl;
    private final Clock clock;
    private final Sleeper sleeper;
    /** The CLI's view of the ledger, with a DynamoDB client of its own, built on first use. */
    private final Once<Jobs> jobs = new Once<>(this::connectJobs);

    private LocalEnvironment(
            LocalSettings settings,
            EmbeddedSqs sqs,
            EmbeddedSqs.QueuePair queues,
            FunctionRuntime function,
            EventSourceMapping mapping,
            EventSourceMapping deadLetterMapping,
            EventSourceMapping failedEventsMapping,
            AsyncInvoker async,
            String functionArn,
            SqsFaultProxy faultProxy,
            LocalAwsEndpoint aws,
            String parkedUrl,
            Clock clock,
            Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.deadLetterMapping = deadLetterMapping;
        this.failedEventsMapping = failedEventsMapping;
        this.aws = aws;
        this.parkedUrl = parkedUrl;
        this.settings = settings;
        this.sqs = sqs;
        this.queues = queues;
        this.function = function;
        this.mapping = mapping;
        this.async = async;
        this.functionArn = functionArn;
        this.faultProxy = faultProxy;
    }

    /** SQS requests of the function answered with an injected error so far. */
    public long sqsFaults() {
        return faultProxy == null ? 0 : faultProxy.faults();
    }

    /**
     * What every local endpoint asks about each call the function makes (the SQS fault proxy does
     * already; the DynamoDB and EventBridge endpoint will). What it decided so far:
     * {@code function().faultCounts()}.
     */
    public CallFaults callFaults() {
        return function.callFaults();
    }

    /** The proxy the function reaches SQS through, when a fault needs one. */
    public Optional<SqsFaultProxy> sqsFaultProxy() {
        return Optional.ofNullable(faultProxy);
    }

    /**
     * Starts the server, creates the queues, loads the function and starts the mapping (unless disabled).
     *
     * @param listener hears every invocation
     * @param functionLog where the function's log events go
     */
    public static LocalEnvironment start(LocalSettings settings, InvocationListener listener, FunctionLog functionLog) {
        return start(settings, listener, functionLog, Clock.systemUTC(), Sleeper.system());
    }

    /**
     * As {@link #start(LocalSettings, InvocationListener, FunctionLog)}, with the time every part of
     * the runtime reads and the way each of them waits.
     */
    public static LocalEnvironment start(
            LocalSettings settings,
            InvocationListener listener,
            FunctionLog functionLog,
            Clock clock,
            Sleeper sleeper) {
        // Everything started so far, closed in reverse order should a later step fail.
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            EmbeddedSqs sqs = settings.dataDirectory()
                    .map(directory -> EmbeddedSqs.startDurable(settings.sqsHost(), settings.sqsPort(), directory))
                    .orElseGet(() -> EmbeddedSqs.start(settings.sqsHost(), settings.sqsPort()));
            started.push(sqs);
            EmbeddedSqs.QueuePair queues = sqs.createQueues(
                    settings.queueName(), settings.dlqName(), settings.maxReceiveCount(), settings.visibilityTimeout());
            String parkedUrl = sqs.createQueue(settings.parkedName());
            // It invokes the function too (its mapping below): the same visibility timeout as the work queue and the
            // DLQ.
            String failedEventsUrl = sqs.createQueue(settings.failedEventsName(), settings.visibilityTimeout());
            if (settings.dataDirectory().isPresent()) {
                int dropped = sqs.dropDeadLetteredCopies(queues, parkedFrom(sqs, parkedUrl));
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
            LocalAwsEndpoint aws = LocalAwsEndpoint.start(
                    settings.sqsHost(),
                    settings.awsPort(),
                    clock,
                    settings.awsEndpoint()
                            .withEventRetention(FunctionEnvironment.recordsTimeToLive(settings.environment())),
                    faults);
            started.push(aws);
            aws.createTable(settings.recordsTableName(), DynamoDbLedgerTable.PK, DynamoDbLedgerTable.SK);
            // As the deployment's table: DynamoDB's TTL removes records through expiresAt.
            aws.enableTimeToLive(settings.recordsTableName(), MemoryLedgerTable.EXPIRES_AT);
            // DISPATCH=invoke: the function invokes itself asynchronously, through a Lambda endpoint of the
            // runtime's. Its port is bound now, before the function's environment names it, and served later.
            HttpServer selfInvokePort = null;
            Optional<URI> lambdaEndpoint = Optional.empty();
            if (FunctionEnvironment.invokesItself(settings.environment())) {
                HttpServer bound = LambdaApiServer.bind(settings.sqsHost(), 0);
                started.push(() -> bound.stop(0));
                selfInvokePort = bound;
                lambdaEndpoint = Optional.of(URI.create("http://" + settings.sqsHost() + ":"
                        + bound.getAddress().getPort()));
            }
            SqsFaultProxy proxy = null;
            if (settings.sqsFaultRate() > 0 || !settings.faults().calls().isNone()) {
                proxy = SqsFaultProxy.start(
                        sqs.endpoint(),
                        faults,
                        settings.sqsFaultRate(),
                        settings.faults().seed());
                started.push(proxy);
            }
            String failedEventsArn = sqs.arnOf(failedEventsUrl);
            Map<String, String> environment = FunctionEnvironment.compose(
                    settings,
                    new FunctionEnvironment.Addresses(
                            sqs.environment(queues.url()),
                            aws.url(),
                            lambdaEndpoint,
                            Optional.ofNullable(proxy).map(SqsFaultProxy::endpoint),
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
            FunctionRuntime function = FunctionRuntime.builder(definition)
                    .arn(arn)
                    .reservedConcurrency(settings.reservedConcurrency())
                    .clock(clock)
                    .functionLog(functionLog)
                    .listener(listener)
                    .faults(faults)
                    .budget(budget)
                    .build();
            started.push(function);
            ObjectMapper json = EventJson.create();
            EventSourceMapping mapping = EventSourceMapping.builder()
                    .queue(sqs.client(), queues.url(), queues.arn(), EmbeddedSqs.REGION)
                    .function(function)
                    .settings(settings.esm())
                    .json(json)
                    .trigger(Trigger.SQS)
                    .clock(clock)
                    .sleeper(sleeper)
                    .build();
            started.push(mapping);
            // The DLQ invokes the function too, in batches of 10, as the deployment's second mapping does: for our
            // handler, which counts dead letters into their jobs. Any other function's dead letters stay in the DLQ.
            boolean countsDeadLetters = countsDeadLetters(definition);
            EventSourceMapping deadLetterMapping = EventSourceMapping.builder()
                    .queue(sqs.client(), queues.dlqUrl(), queues.dlqArn(), EmbeddedSqs.REGION)
                    .function(function)
                    .settings(new EsmSettings(
                            10,
                            Duration.ZERO,
                            Math.min(10, settings.esm().maximumConcurrency()),
                            true,
                            settings.esm().enabled() && countsDeadLetters))
                    .json(json)
                    .trigger(Trigger.DEAD_LETTERS)
                    .clock(clock)
                    .sleeper(sleeper)
                    .build();
            started.push(deadLetterMapping);
            // The failed-events queue invokes it too, as the deployment's third mapping does: each invocation record's
            // event runs again, so a root split that failed every asynchronous attempt finishes instead of waiting for
            // its deadline. For our handler only; any other function's failed events stay for 'dlq redrive'.
            EventSourceMapping failedEventsMapping = EventSourceMapping.builder()
                    .queue(sqs.client(), failedEventsUrl, failedEventsArn, EmbeddedSqs.REGION)
                    .function(function)
                    .settings(new EsmSettings(
                            10,
                            Duration.ZERO,
                            Math.min(2, settings.esm().maximumConcurrency()),
                            true,
                            settings.esm().enabled() && countsDeadLetters))
                    .json(json)
                    .trigger(Trigger.FAILED_EVENTS)
                    .clock(clock)
                    .sleeper(sleeper)
                    .build();
            started.push(failedEventsMapping);
            // With --data-dir, accepted events are kept on disk until done, as Lambda's queue keeps them.
            AsyncInvoker async = AsyncInvoker.start(
                    function,
                    settings.async(),
                    clock,
                    sleeper,
                    settings.dataDirectory()
                            .map(directory -> AsyncEventStore.directory(directory.resolve("async-invocations")))
                            .orElseGet(AsyncEventStore::memory),
                    new FailedEventsDestination(sqs.client(), failedEventsUrl, json, arn, clock));
            started.push(async);
            LambdaApiServer selfInvoke =
                    selfInvokePort == null ? null : LambdaApiServer.serve(selfInvokePort, function, async, arn);
            mapping.start();
            deadLetterMapping.start();
            failedEventsMapping.start();
            // The ledger's sweep on a schedule, as the deployment's rule runs it: for our handler, keeping its jobs.
            Sweeper sweeper = countsDeadLetters && settings.esm().enabled()
                    ? Sweeper.start(function, environment, sleeper)
                    : null;
            if (sweeper != null) {
                started.push(sweeper);
            }
            LocalEnvironment environmentStarted = new LocalEnvironment(
                    settings,
                    sqs,
                    queues,
                    function,
                    mapping,
                    deadLetterMapping,
                    failedEventsMapping,
                    async,
                    arn,
                    proxy,
                    aws,
                    parkedUrl,
                    clock,
                    sleeper);
            environmentStarted.selfInvoke = selfInvoke;
            environmentStarted.sweeper = sweeper;
            return environmentStarted;
        } catch (RuntimeException | Error e) {
            closeAll(started, e);
            throw e;
        }
    }

    /** Closes what a failed start had started, newest first, keeping what goes wrong with {@code failure}. */
    private static void closeAll(Deque<AutoCloseable> started, Throwable failure) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception | Error e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** The DLQ message ids the parked dead letters stand for. */
    private static Set<String> parkedFrom(EmbeddedSqs sqs, String parkedUrl) {
        Set<String> ids = new HashSet<>();
        List<Message> parked = sqs.receiveAll(parkedUrl);
        parked.forEach(
                message -> Optional.ofNullable(message.messageAttributes().get(SubTaskAttribute.PARKED_FROM))
                        .map(MessageAttributeValue::stringValue)
                        .ifPresent(ids::add));
        sqs.release(parkedUrl, parked);
        return ids;
    }

    /**
     * The failed-events queue's mapping, which hands Lambda's invocation records to our handler (its
     * consumer finishes a root split that failed every attempt); it polls only for our handler.
     */
    public EventSourceMapping failedEventsMapping() {
        return failedEventsMapping;
    }

    /** The URL of the asynchronous invocations' on-failure destination, {@code <function>-failed-events}. */
    public String failedEventsUrl() {
        return sqs.queueUrl(settings.failedEventsName());
    }

    public LocalSettings settings() {
        return settings;
    }

    public EmbeddedSqs sqs() {
        return sqs;
    }

    public EmbeddedSqs.QueuePair queues() {
        return queues;
    }

    public FunctionRuntime function() {
        return function;
    }

    public EventSourceMapping mapping() {
        return mapping;
    }

    public AsyncInvoker async() {
        return async;
    }

    /** The function's ARN, as the context and the Lambda API report it. */
    public String functionArn() {
        return functionArn;
    }

    /** True when nothing is left to do: no event waiting, no invocation running, no message queued or in flight. */
    public boolean isDrained() {
        return async.pending() == 0
                && mapping.inFlight() == 0
                && deadLetterMapping.inFlight() == 0
                && failedEventsMapping.inFlight() == 0
                && function.busy() == 0
                && workQueueEmpty()
                && (!settings.esm().enabled()
                        || !countsDeadLetters(function.function())
                        || sqs.depth(queues.dlqUrl()).total() == 0
                                && (!failedEventsMapping.polling()
                                        || sqs.depth(failedEventsUrl()).total() == 0));
    }

    /**
     * Whether the work queue holds nothing. ElasticMQ 1.7.1 can go on counting a message as visible that
     * no ReceiveMessage returns any more (seen after a message reached maxReceiveCount while a delete and
     * the move to the DLQ raced); when the mapping's last receives all came back empty, that count is no
     * message, and waiting for it would only run out the run's timeout.
     */
    private boolean workQueueEmpty() {
        EmbeddedSqs.QueueDepth depth = sqs.depth(queues.url());
        if (depth.total() == 0) {
            return true;
        }
        boolean phantom = depth.inFlight() == 0
                && depth.delayed() == 0
                && mapping.polling()
                && mapping.emptyReceivesInARow() >= PHANTOM_AFTER_EMPTY_RECEIVES;
        if (phantom && !phantomReported) {
            phantomReported = true;
            log.warn(
                    "the work queue counts {} visible message(s) that {} receives in a row did not return: ElasticMQ's "
                            + "count, not a message; the run goes on as drained",
                    depth.visible(),
                    mapping.emptyReceivesInARow());
        }
        return phantom;
    }

    private static final int PHANTOM_AFTER_EMPTY_RECEIVES = 3;
    private volatile boolean phantomReported;

    /** Whether the function is our generic handler, whose DLQ mapping counts dead letters into their jobs. */
    private static boolean countsDeadLetters(FunctionDefinition function) {
        return function.handlerClass().equals(LocalSettings.HANDLER_CLASS);
    }

    /** The local DynamoDB and EventBridge endpoint: the function's records and its completion events. */
    public LocalAwsEndpoint aws() {
        return aws;
    }

    /** The URL of the queue dead-lettered sub-tasks are parked in: {@code <function>-parked}. */
    public String parkedUrl() {
        return parkedUrl;
    }

    /**
     * The function's job ledger, as the function keeps it in the local DynamoDB table, with the
     * function's own settings (IDEMPOTENCY_TTL, JOB_DEADLINE, tolerances): one setting for both.
     */
    private Ledger records() {
        EngineSettings function = EngineSettings.from(settings.environment());
        return new Ledger(
                new DynamoDbLedgerTable(
                        AwsClients.sharedDynamoDb(Map.of(
                                "AWS_ENDPOINT_URL_DYNAMODB",
                                aws.url().toString(),
                                "AWS_REGION",
                                EmbeddedSqs.REGION,
                                "AWS_ACCESS_KEY_ID",
                                LocalAwsEndpoint.RUNTIME_KEY,
                                "AWS_SECRET_ACCESS_KEY",
                                "local")),
                        settings.recordsTableName()),
                clock,
                LedgerSettings.of(function.idempotencyTtl(), function.jobDeadline(), function.tolerance()),
                sleeper);
    }

    /**
     * The function's jobs through engine's public jobs API, as {@code load-splitter jobs} reads them: the
     * ledger {@link #records()} reads, signed as the runtime's own reads. Kept until {@link #stop}; never close it.
     */
    public Jobs jobs() {
        return jobs.get();
    }

    private Jobs connectJobs() {
        Map<String, String> environment = new HashMap<>(settings.environment());
        environment.keySet().removeIf(name -> name.startsWith("AWS_"));
        environment.putAll(Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB",
                aws.url().toString(),
                "AWS_REGION",
                EmbeddedSqs.REGION,
                "AWS_ACCESS_KEY_ID",
                LocalAwsEndpoint.RUNTIME_KEY,
                "AWS_SECRET_ACCESS_KEY",
                "local"));
        return Jobs.connect(settings.recordsTableName(), environment);
    }

    /**
     * Waits until the run is drained, checking twice in a row so a message between a send and a
     * receive is not missed.
     *
     * @return whether it drained before {@code timeout}
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        int quiet = 0;
        while (clock.instant().isBefore(deadline)) {
            quiet = isDrained() ? quiet + 1 : 0;
            if (quiet >= 2) {
                return true;
            }
            sleeper.sleep(Duration.ofMillis(25));
        }
        return false;
    }

    /** Messages dead-lettered so far: parked, or still in the dead-letter queue. */
    public int deadLettered() {
        return sqs.depth(parkedUrl).total() + sqs.depth(queues.dlqUrl()).total();
    }

    /**
     * The dead-lettered sub-tasks, parked or still in the dead-letter queue, by their message
     * attributes, each with the items none of its splits queued (those are counted where their
     * sub-tasks end), as the function's records tell.
     */
    public List<RunSummary.DeadLetter> deadLetters() {
        List<RunSummary.DeadLetter> deadLetters = new ArrayList<>();
        List<Message> messages = new ArrayList<>(sqs.receiveAll(parkedUrl));
        messages.addAll(sqs.receiveAll(queues.dlqUrl()));
        Ledger records = records();
        for (Message message : messages) {
            Map<String, String> attributes = LambdaSqsEvents.attributeStrings(message.messageAttributes());
            int items = SubTaskAttribute.ITEM_COUNT.intIn(attributes, 1);
            String part = SubTaskAttribute.taskIdOr(attributes, message.messageId());
            long queued = 0;
            long firstItem = -1;
            if (SubTaskAttribute.lineageOf(attributes) instanceof SubTaskAttribute.ReceivedLineage.Known known) {
                firstItem = known.lineage().firstItem();
                queued = known.lineage()
                        .taskId()
                        .map(id -> records.queued(id.jobId(), id.partId()))
                        .orElse(0L);
            }
            // A split queues its parts in item order: what it had not queued is the tail of its range.
            deadLetters.add(new RunSummary.DeadLetter(
                    part, firstItem < 0 ? -1 : firstItem + queued, (int) Math.max(0, items - queued)));
        }
        return deadLetters;
    }

    /**
     * Stops polling, lets invocations in flight finish up to {@code grace}, then stops everything.
     * Messages not yet delivered stay on the queue for as long as the server runs.
     */
    public void stop(Duration grace) throws InterruptedException {
        Instant deadline = clock.instant().plus(grace);
        try {
            if (sweeper != null) {
                sweeper.close();
            }
            // All three stop polling first, so their pollers' long polls end together rather than one after another.
            mapping.stopPolling();
            deadLetterMapping.stopPolling();
            failedEventsMapping.stopPolling();
            mapping.stop(grace);
            deadLetterMapping.stop(grace);
            failedEventsMapping.stop(grace);
            async.close();
            while (function.busy() > 0 && clock.instant().isBefore(deadline)) {
                sleeper.sleep(Duration.ofMillis(20));
            }
        } finally {
            if (selfInvoke != null) {
                selfInvoke.close();
            }
            if (jobs.isDone()) {
                jobs.get().close();
            }
            function.close();
            if (faultProxy != null) {
                faultProxy.close();
            }
            aws.close();
            sqs.close();
        }
    }

    /** Stops everything, giving invocations in flight 5 seconds. */
    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
