package dev.loadsplitter.local;

import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.jobs.Jobs;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import dev.loadsplitter.local.container.FunctionLog;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.esm.EventSourceMapping;
import dev.loadsplitter.local.fault.CallFaults;
import dev.loadsplitter.local.fault.SqsFaultProxy;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.invoke.LambdaApiServer;
import dev.loadsplitter.local.report.RunSummary;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The whole system on one machine: an embedded SQS server with the work queue and its DLQ, the
 * function in its containers, the event source mapping between them, and asynchronous
 * invocations as EventBridge makes them. Close it to stop everything.
 *
 * <p>Its own job is the lifecycle: {@code start} has {@code Startup} start the parts (the function's
 * environment composed by {@code FunctionEnvironment}), {@code stop} and {@code close} stop them;
 * what the run has done and has left is answered by {@code RunState}.
 */
public final class LocalEnvironment implements AutoCloseable {

    /**
     * The variables the runtime sets in the function's environment to point it at its own queues and
     * endpoints; a function's own settings cannot replace them.
     */
    public static final List<String> RUNTIME_VARIABLES = FunctionEnvironment.RUNTIME_VARIABLES;

    private final LocalSettings settings;
    private final Startup.Parts parts;
    private final RunState state;
    private final Clock clock;
    private final Sleeper sleeper;

    private LocalEnvironment(LocalSettings settings, Startup.Parts parts, Clock clock, Sleeper sleeper) {
        this.settings = settings;
        this.parts = parts;
        this.state = new RunState(settings, parts, clock, sleeper);
        this.clock = clock;
        this.sleeper = sleeper;
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
     * the runtime reads and the way each of them waits. When a step fails, everything started before it
     * is closed again and the step's failure is thrown.
     */
    public static LocalEnvironment start(
            LocalSettings settings,
            InvocationListener listener,
            FunctionLog functionLog,
            Clock clock,
            Sleeper sleeper) {
        return new LocalEnvironment(
                settings, Startup.start(settings, listener, functionLog, clock, sleeper), clock, sleeper);
    }

    /** SQS requests of the function answered with an injected error so far. */
    public long sqsFaults() {
        return parts.faultProxy().map(SqsFaultProxy::faults).orElse(0L);
    }

    /**
     * What every local endpoint asks about each call the function makes (the SQS fault proxy does
     * already; the DynamoDB and EventBridge endpoint will). What it decided so far:
     * {@code function().faultCounts()}.
     */
    public CallFaults callFaults() {
        return parts.function().callFaults();
    }

    /** The proxy the function reaches SQS through, when a fault needs one. */
    public Optional<SqsFaultProxy> sqsFaultProxy() {
        return parts.faultProxy();
    }

    /**
     * The failed-events queue's mapping, which hands Lambda's invocation records to our handler (its
     * consumer finishes a root split that failed every attempt); it polls only for our handler.
     */
    public EventSourceMapping failedEventsMapping() {
        return parts.failedEventsMapping();
    }

    /** The URL of the asynchronous invocations' on-failure destination, {@code <function>-failed-events}. */
    public String failedEventsUrl() {
        return state.failedEventsUrl();
    }

    public LocalSettings settings() {
        return settings;
    }

    public EmbeddedSqs sqs() {
        return parts.sqs();
    }

    public EmbeddedSqs.QueuePair queues() {
        return parts.queues();
    }

    public FunctionRuntime function() {
        return parts.function();
    }

    public EventSourceMapping mapping() {
        return parts.mapping();
    }

    public AsyncInvoker async() {
        return parts.async();
    }

    /** The function's ARN, as the context and the Lambda API report it. */
    public String functionArn() {
        return parts.functionArn();
    }

    /** True when nothing is left to do: no event waiting, no invocation running, no message queued or in flight. */
    public boolean isDrained() {
        return state.isDrained();
    }

    /** The local DynamoDB and EventBridge endpoint: the function's records and its completion events. */
    public LocalAwsEndpoint aws() {
        return parts.aws();
    }

    /** The URL of the queue dead-lettered sub-tasks are parked in: {@code <function>-parked}. */
    public String parkedUrl() {
        return parts.parkedUrl();
    }

    /**
     * The function's jobs through engine's public jobs API, as {@code load-splitter jobs} reads them,
     * from the local DynamoDB table, signed as the runtime's own reads. Kept until {@link #stop}; never
     * close it.
     */
    public Jobs jobs() {
        return state.jobs();
    }

    /**
     * Waits until the run is drained, checking twice in a row so a message between a send and a
     * receive is not missed.
     *
     * @return whether it drained before {@code timeout}
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return state.awaitDrained(timeout);
    }

    /** Messages dead-lettered so far: parked, or still in the dead-letter queue. */
    public int deadLettered() {
        return state.deadLettered();
    }

    /**
     * The dead-lettered sub-tasks, parked or still in the dead-letter queue, by their message
     * attributes, each with the items none of its splits queued (those are counted where their
     * sub-tasks end), as the function's records tell.
     */
    public List<RunSummary.DeadLetter> deadLetters() {
        return state.deadLetters();
    }

    /**
     * Stops polling, lets invocations in flight finish up to {@code grace}, then stops everything.
     * Messages not yet delivered stay on the queue for as long as the server runs.
     */
    public void stop(Duration grace) throws InterruptedException {
        Instant deadline = clock.instant().plus(grace);
        try {
            parts.sweeper().ifPresent(Sweeper::close);
            // All three stop polling first, so their pollers' long polls end together rather than one after another.
            parts.mapping().stopPolling();
            parts.deadLetterMapping().stopPolling();
            parts.failedEventsMapping().stopPolling();
            parts.mapping().stop(grace);
            parts.deadLetterMapping().stop(grace);
            parts.failedEventsMapping().stop(grace);
            parts.async().close();
            while (parts.function().busy() > 0 && clock.instant().isBefore(deadline)) {
                sleeper.sleep(Duration.ofMillis(20));
            }
        } finally {
            parts.selfInvoke().ifPresent(LambdaApiServer::close);
            state.close();
            parts.function().close();
            parts.faultProxy().ifPresent(SqsFaultProxy::close);
            parts.aws().close();
            parts.sqs().close();
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
