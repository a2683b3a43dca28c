package dev.loadsplitter.local.container;

import dev.loadsplitter.local.fault.CallFaults;
import dev.loadsplitter.local.fault.FaultBroker;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.fault.InvocationIdentity;
import dev.loadsplitter.local.fault.TraceHeader;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one function the way Lambda does: decides which container runs each invocation, enforces
 * its concurrency and timeouts, and tells listeners.
 *
 * <p>Each invocation runs in a container: a handler instance that is reused, and never runs two
 * invocations at once. A container is created when none is idle (a cold start) and is thrown
 * away when its invocation times out or its initialisation fails. Concurrency is the number of
 * busy containers, capped by the reserved concurrency; an invocation beyond it is throttled.
 * The containers live in a {@link ContainerHost}: a JVM of the function's own ({@link JvmHost}),
 * or this one ({@link InProcessHost}). Handler code runs on virtual threads either way, so a
 * thousand sleeping invocations cost little.
 *
 * <p>Every invocation gets an X-Ray trace header, as on Lambda, which the function's SDK sends on
 * each of its calls; the runtime registers the invocation under it with its {@link FaultBroker}, so
 * the local endpoints know which invocation made a call and what goes wrong with it ({@link
 * #callFaults()}). A container that dies after one of its calls ends its invocation at once with
 * {@code Runtime.ExitError}, and is discarded.
 */
public final class FunctionRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FunctionRuntime.class);

    /** Lambda gives on-demand initialisation 10 seconds. */
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(10);

    private final FunctionDefinition function;
    private final String functionArn;
    private final int reservedConcurrency;
    private final Clock clock;
    private final InvocationListener listener;
    private final ContainerHost host;
    private final Semaphore capacity;
    private final ConcurrentLinkedDeque<Integer> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger containers = new AtomicInteger();
    private final AtomicInteger coldStarts = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger peakBusy = new AtomicInteger();
    private final AtomicInteger invocations = new AtomicInteger();
    private final FaultPlan.Faults faults;
    private final FaultBroker broker;
    private final EnvironmentBudget budget;
    private final java.util.concurrent.ConcurrentHashMap<String, Observer> observers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A runtime for {@code function}: its ARN and reserved concurrency are required, the rest defaults. */
    public static Builder builder(FunctionDefinition function) {
        return new Builder(function);
    }

    private FunctionRuntime(Builder builder) {
        if (builder.reservedConcurrency < 1) {
            throw new IllegalArgumentException(
                    "reserved concurrency must be at least 1, got " + builder.reservedConcurrency);
        }
        this.function = builder.function;
        this.functionArn = Objects.requireNonNull(builder.functionArn, "functionArn: call arn(...) before build()");
        this.reservedConcurrency = builder.reservedConcurrency;
        this.clock = builder.clock;
        this.listener = builder.listener;
        this.budget = builder.budget;
        FunctionLog functionLog = builder.functionLog;
        this.host = host(function, functionArn, clock, (requestId, at, message) -> {
            functionLog.event(requestId, at, message);
            Observer observer = observers.get(requestId);
            if (observer != null) {
                observer.event(requestId, at, message);
            }
        });
        this.capacity = new Semaphore(reservedConcurrency);
        this.broker = builder.faults;
        this.faults = broker.plan().start();
    }

    /** What the local endpoints ask about each of the function's calls. */
    public CallFaults callFaults() {
        return broker;
    }

    /** The faults decided inside the function so far. */
    public FaultBroker.Counts faultCounts() {
        return broker.counts();
    }

    public FunctionDefinition function() {
        return function;
    }

    public int reservedConcurrency() {
        return reservedConcurrency;
    }

    /** Containers running an invocation now. */
    public int busy() {
        return busy.get();
    }

    /** The most containers ever busy at once. */
    public int peakConcurrency() {
        return peakBusy.get();
    }

    /** Containers created, each one a cold start. */
    public int coldStarts() {
        return coldStarts.get();
    }

    /** Invocations run so far, throttled ones excluded. */
    public int invocations() {
        return invocations.get();
    }

    /**
     * Invokes the function once and waits for the outcome. Returns {@link InvocationResult.Throttled}
     * at once when every allowed container is busy. Faults inside the function take the invocation for the
     * first attempt of its payload.
     */
    public InvocationResult invoke(byte[] payload, Trigger trigger) {
        return invoke(payload, trigger, Observer.NONE, InvocationIdentity.event(payload, 1));
    }

    /**
     * Invokes the function once, telling {@code observer} of this invocation alone: its start, its
     * function's log events and its end (the Invoke API's {@code --log-type Tail}).
     */
    public InvocationResult invoke(byte[] payload, Trigger trigger, Observer observer) {
        return invoke(payload, trigger, observer, InvocationIdentity.event(payload, 1));
    }

    /**
     * Invokes the function once as the invocation {@code identity}: the SQS batch the mapping hands
     * over, or the attempt of an asynchronous event. Faults inside the function are drawn for that
     * identity; a share of the mapping's invocations is throttled ({@code --invoke-throttle-rate}).
     */
    public InvocationResult invoke(byte[] payload, Trigger trigger, InvocationIdentity identity) {
        return invoke(payload, trigger, Observer.NONE, identity);
    }

    private InvocationResult invoke(byte[] payload, Trigger trigger, Observer observer, InvocationIdentity identity) {
        if (trigger == Trigger.SQS && broker.throttlesInvocation(identity)) {
            // As a reserved-concurrency throttle: the function never runs, and the mapping leaves the records.
            return InvocationResult.Throttled.injected(reservedConcurrency);
        }
        if (!capacity.tryAcquire()) {
            return new InvocationResult.Throttled(reservedConcurrency);
        }
        try {
            Integer reused = idle.pollFirst();
            if (reused == null && !budget.tryTake()) {
                return InvocationResult.Throttled.scalingRate(reservedConcurrency);
            }
            return run(payload, trigger, observer, reused, identity);
        } finally {
            capacity.release();
        }
    }

    /** Hears one invocation: its start and end, and its function's log events. */
    public interface Observer extends InvocationListener, FunctionLog {
        Observer NONE = (requestId, at, message) -> {};
    }

    private InvocationResult run(
            byte[] payload, Trigger trigger, Observer observer, Integer reused, InvocationIdentity identity) {
        int nowBusy = busy.incrementAndGet();
        String requestId = UUID.randomUUID().toString();
        InvocationListener.Finished finished = null;
        try {
            peakBusy.accumulateAndGet(nowBusy, Math::max);
            invocations.incrementAndGet();
            finished = runInContainer(requestId, payload, trigger, observer, reused, identity);
        } finally {
            // Whatever happened (a listener that threw included), the container is not busy any more.
            busy.decrementAndGet();
            if (finished == null) {
                observers.remove(requestId);
            }
        }
        listener.finished(finished);
        if (observers.remove(finished.started().requestId()) != null) {
            observer.finished(finished);
        }
        return finished.result();
    }

    private InvocationListener.Finished runInContainer(
            String requestId,
            byte[] payload,
            Trigger trigger,
            Observer observer,
            Integer reused,
            InvocationIdentity identity) {
        int container = reused != null ? reused : containers.incrementAndGet();
        InvocationListener.Started started = new InvocationListener.Started(
                requestId, trigger, payload, container, !host.isWarm(container), clock.instant());
        if (observer != Observer.NONE) {
            observers.put(requestId, observer);
            observer.started(started);
        }
        boolean exempt =
                trigger == Trigger.DEAD_LETTERS || trigger == Trigger.FAILED_EVENTS || trigger == Trigger.SCHEDULE;
        TraceHeader trace = TraceHeader.create(started.at(), ThreadLocalRandom.current());
        InvocationResult result;
        Optional<Duration> init = Optional.empty();
        boolean keep = false;
        Optional<byte[]> lost = Optional.empty();
        // Registered before anything can throw, so the invocation's calls are known while it runs, and closed after.
        try (FaultBroker.Invocation calls = exempt ? broker.startExempt(trace) : broker.start(trace, identity)) {
            listener.started(started);
            FaultPlan.Fault fault = exempt ? FaultPlan.Fault.NONE : faults.next();
            if (fault == FaultPlan.Fault.FAIL) {
                // The function threw before doing anything: the container lives on.
                result = new InvocationResult.FunctionError(
                        "LoadSplitter.InjectedFailure", "injected failure (--fail-rate): the function threw");
                keep = true;
            } else {
                // Initialisation has Lambda's own 10-second allowance; the function timeout runs from the handler's
                // start.
                ContainerHost.Running running =
                        host.start(container, requestId, payload, function.timeout(), trace.value());
                try {
                    init = running.initialised().get(INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    init.ifPresent(duration -> coldStarts.incrementAndGet());
                    // The answer, or the container's death just after one of its calls, whichever comes first.
                    CompletableFuture.anyOf(running.outcome(), calls.crashed())
                            .get(function.timeout().toMillis(), TimeUnit.MILLISECONDS);
                    Optional<FaultBroker.Crash> crash = calls.crashed().isDone()
                            ? Optional.of(calls.crashed().join())
                            : Optional.empty();
                    InvocationResult answer =
                            crash.isEmpty() ? running.outcome().join() : null;
                    if (crash.isEmpty()
                            && !(answer instanceof InvocationResult.FunctionError error && error.initFailed())) {
                        // Chosen to die after more calls than it made: it dies after its last one, before answering.
                        crash = calls.crashAtEnd();
                    }
                    if (crash.isPresent()) {
                        log.warn(
                                "function {}: request {}: {} ({})",
                                function.name(),
                                requestId,
                                crash.get().message(),
                                identity.describe());
                        result = new InvocationResult.FunctionError(
                                "Runtime.ExitError", crash.get().message());
                        lost = answer instanceof InvocationResult.Success success
                                ? Optional.of(success.response())
                                : Optional.empty();
                    } else {
                        boolean initFailed =
                                answer instanceof InvocationResult.FunctionError error && error.initFailed();
                        if (initFailed) {
                            coldStarts.decrementAndGet();
                            log.warn(
                                    "function {}: initialisation failed in {}: {}",
                                    function.name(),
                                    function.jar(),
                                    answer);
                        }
                        switch (fault) {
                            case CRASH -> {
                                result = new InvocationResult.FunctionError(
                                        "Runtime.ExitError",
                                        "injected crash (--crash-rate): the runtime exited before answering");
                                lost = answer instanceof InvocationResult.Success success
                                        ? Optional.of(success.response())
                                        : Optional.empty();
                            }
                            case TIMEOUT -> {
                                // The work is done but the answer comes too late: reported as Lambda reports a
                                // timeout, at once rather than after waiting the timeout out, and the container is
                                // replaced.
                                result = new InvocationResult.TimedOut(function.timeout());
                                lost = answer instanceof InvocationResult.Success success
                                        ? Optional.of(success.response())
                                        : Optional.empty();
                            }
                            default -> {
                                result = answer;
                                keep = !initFailed
                                        && !(answer instanceof InvocationResult.FunctionError error
                                                && error.errorType().equals("Runtime.ExitError"));
                            }
                        }
                    }
                } catch (TimeoutException e) {
                    result = running.initialised().isDone()
                            ? new InvocationResult.TimedOut(function.timeout())
                            : InvocationResult.FunctionError.initError(
                                    InvocationResult.INIT_ERROR,
                                    "initialisation took longer than " + INIT_TIMEOUT.toSeconds() + " s",
                                    java.util.List.of());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    result = new InvocationResult.FunctionError("Runtime.Interrupted", "the runtime was stopped");
                } catch (ExecutionException e) {
                    result = new InvocationResult.FunctionError(
                            e.getCause().getClass().getName(),
                            String.valueOf(e.getCause().getMessage()));
                }
            }
        } finally {
            if (keep) {
                idle.addFirst(container);
            } else {
                host.discard(container);
            }
        }
        return new InvocationListener.Finished(started, result, init, clock.instant(), lost);
    }

    /** Where the containers run: {@link Isolation#PROCESS} or {@link Isolation#NONE}, never {@code AUTO}. */
    public Isolation isolation() {
        return host instanceof JvmHost ? Isolation.PROCESS : Isolation.NONE;
    }

    /** The function JVM's peak resident memory (Linux), when its containers run in a JVM of their own. */
    public Optional<Long> functionJvmPeakResidentBytes() {
        return host instanceof JvmHost jvm ? jvm.peakResidentBytes() : Optional.empty();
    }

    private static ContainerHost host(
            FunctionDefinition function, String functionArn, Clock clock, FunctionLog functionLog) {
        boolean inProcess = switch (function.isolation()) {
            case NONE -> {
                if (!InProcessHost.accepts(function)) {
                    throw new IllegalArgumentException("Handler " + function.handler() + " cannot run with "
                            + "--isolation none: that takes a RequestStreamHandler with a public constructor "
                            + "taking the environment as a Map<String, String>. Use --isolation process.");
                }
                yield true;
            }
            case PROCESS -> false;
            case AUTO -> InProcessHost.accepts(function);
        };
        String region = functionArn.split(":").length > 3 ? functionArn.split(":")[3] : "us-east-1";
        return inProcess
                ? new InProcessHost(function, functionArn, region, clock, functionLog)
                : new JvmHost(function, functionArn, region, functionLog, clock);
    }

    @Override
    public void close() {
        idle.clear();
        host.close();
    }

    /**
     * The parts of a runtime: the function, its ARN ({@link #arn}) and {@link #reservedConcurrency}
     * are required; the clock is the system's UTC clock, the log and the listener take nothing, no
     * fault is planned and new execution environments come as fast as asked, unless set.
     */
    public static final class Builder {

        private final FunctionDefinition function;
        private String functionArn;
        private int reservedConcurrency;
        private Clock clock = Clock.systemUTC();
        private FunctionLog functionLog = FunctionLog.none();
        private InvocationListener listener = InvocationListener.none();
        private FaultBroker faults;
        private EnvironmentBudget budget = EnvironmentBudget.unlimited();

        private Builder(FunctionDefinition function) {
            this.function = Objects.requireNonNull(function, "function");
        }

        /** The ARN the context reports. */
        public Builder arn(String functionArn) {
            this.functionArn = Objects.requireNonNull(functionArn, "functionArn");
            return this;
        }

        /** The most containers busy at once. */
        public Builder reservedConcurrency(int reservedConcurrency) {
            this.reservedConcurrency = reservedConcurrency;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where the function's log events go. */
        public Builder functionLog(FunctionLog functionLog) {
            this.functionLog = Objects.requireNonNull(functionLog, "functionLog");
            return this;
        }

        public Builder listener(InvocationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Invocations that go wrong on purpose, at the runtime's boundary and inside the function. */
        public Builder faultPlan(FaultPlan faultPlan) {
            return faults(new FaultBroker(faultPlan));
        }

        /** Invocations and calls that go wrong on purpose; the local endpoints ask it about each call. */
        public Builder faults(FaultBroker faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** How fast new execution environments may be created: Lambda's scaling rate with AWS's scaling. */
        public Builder budget(EnvironmentBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        public FunctionRuntime build() {
            if (faults == null) {
                faults = new FaultBroker(FaultPlan.none());
            }
            return new FunctionRuntime(this);
        }
    }
}
