package dev.loadsplitter.local.container;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.loadsplitter.local.fault.FaultPlan;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one function the way Lambda does, in one JVM.
 *
 * <p>Each invocation runs in a container: a handler instance that is reused, and never runs two
 * invocations at once. A container is created when none is idle (a cold start) and is thrown
 * away when its invocation times out or its initialisation fails. Concurrency is the number of
 * busy containers, capped by the reserved concurrency; an invocation beyond it is throttled.
 *
 * <p>The handler class comes from the function's jar in its own class loader, and gets the
 * function's environment through a {@code Map} constructor when it has one, so nothing
 * JVM-global changes. Handler code runs on a virtual thread, so a thousand sleeping
 * invocations cost little.
 */
public final class FunctionRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FunctionRuntime.class);

    /** Lambda gives on-demand initialisation 10 seconds. */
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(10);

    private final FunctionDefinition function;
    private final String functionArn;
    private final int reservedConcurrency;
    private final Clock clock;
    private final PrintStream functionLog;
    private final InvocationListener listener;
    private final FunctionClassLoader loader;
    private final Semaphore capacity;
    private final ConcurrentLinkedDeque<Container> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger containers = new AtomicInteger();
    private final AtomicInteger coldStarts = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger peakBusy = new AtomicInteger();
    private final AtomicInteger invocations = new AtomicInteger();
    private final FaultPlan.Faults faults;
    private volatile Class<? extends RequestStreamHandler> handlerClass;

    /**
     * @param functionArn the ARN the context reports
     * @param reservedConcurrency the most containers busy at once
     * @param functionLog where the context's {@code LambdaLogger} writes
     */
    public FunctionRuntime(
            FunctionDefinition function,
            String functionArn,
            int reservedConcurrency,
            Clock clock,
            PrintStream functionLog,
            InvocationListener listener) {
        this(function, functionArn, reservedConcurrency, clock, functionLog, listener, FaultPlan.none());
    }

    /**
     * @param faultPlan invocations that go wrong on purpose, at the runtime's boundary
     */
    public FunctionRuntime(
            FunctionDefinition function,
            String functionArn,
            int reservedConcurrency,
            Clock clock,
            PrintStream functionLog,
            InvocationListener listener,
            FaultPlan faultPlan) {
        this.function = Objects.requireNonNull(function, "function");
        this.functionArn = Objects.requireNonNull(functionArn, "functionArn");
        if (reservedConcurrency < 1) {
            throw new IllegalArgumentException("reserved concurrency must be at least 1, got " + reservedConcurrency);
        }
        this.reservedConcurrency = reservedConcurrency;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.functionLog = Objects.requireNonNull(functionLog, "functionLog");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.loader = FunctionClassLoader.shared(function.jar(), FunctionRuntime.class.getClassLoader());
        this.capacity = new Semaphore(reservedConcurrency);
        this.faults = faultPlan.start();
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
     * at once when every allowed container is busy.
     */
    public InvocationResult invoke(byte[] payload, Trigger trigger) {
        if (!capacity.tryAcquire()) {
            return new InvocationResult.Throttled(reservedConcurrency);
        }
        try {
            return run(payload, trigger);
        } finally {
            capacity.release();
        }
    }

    private InvocationResult run(byte[] payload, Trigger trigger) {
        int nowBusy = busy.incrementAndGet();
        peakBusy.accumulateAndGet(nowBusy, Math::max);
        invocations.incrementAndGet();
        Container reused = idle.pollFirst();
        Container container = reused != null ? reused : new Container(containers.incrementAndGet());
        String requestId = UUID.randomUUID().toString();
        InvocationListener.Started started = new InvocationListener.Started(
                requestId, trigger, payload, container.id, reused == null, clock.instant());
        listener.started(started);
        // Initialisation has Lambda's own 10-second allowance; the function timeout runs from the handler's start.
        CompletableFuture<Optional<Duration>> initialised = new CompletableFuture<>();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        FaultPlan.Fault fault = trigger == Trigger.DEAD_LETTERS ? FaultPlan.Fault.NONE : faults.next();
        Thread worker = Thread.ofVirtual()
                .name(function.name() + "-" + container.id + "-" + requestId)
                .unstarted(() -> {
                    Thread.currentThread().setContextClassLoader(loader);
                    Optional<Outcome> initFailure = container.initialise(initialised);
                    if (initFailure.isPresent()) {
                        outcome.complete(initFailure.get());
                        return;
                    }
                    outcome.complete(
                            switch (fault) {
                                case NONE -> container.handle(payload, requestId);
                                case FAIL ->
                                    new Outcome(
                                            new InvocationResult.FunctionError(
                                                    "LoadSplitter.InjectedFailure",
                                                    "injected failure (--fail-rate): the function threw"),
                                            true);
                                case CRASH ->
                                    new Outcome(
                                            new InvocationResult.FunctionError(
                                                    "Runtime.ExitError",
                                                    "injected crash (--crash-rate): the runtime exited before answering"),
                                            false,
                                            container.handle(payload, requestId).answer());
                                case TIMEOUT -> {
                                    // The work is done but the answer comes too late: reported as Lambda reports a
                                    // timeout, at once rather than after waiting the timeout out, and the container is
                                    // replaced.
                                    yield new Outcome(
                                            new InvocationResult.TimedOut(function.timeout()),
                                            false,
                                            container.handle(payload, requestId).answer());
                                }
                            });
                });
        worker.start();
        InvocationResult result;
        Optional<Duration> init = Optional.empty();
        boolean keep = false;
        Optional<byte[]> lost = Optional.empty();
        try {
            init = initialised.get(INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Outcome done = outcome.get(function.timeout().toMillis(), TimeUnit.MILLISECONDS);
            keep = done.keepContainer();
            result = done.result();
            lost = done.lostAnswer();
        } catch (TimeoutException e) {
            worker.interrupt();
            result = initialised.isDone()
                    ? new InvocationResult.TimedOut(function.timeout())
                    : new InvocationResult.FunctionError(
                            InvocationResult.INIT_ERROR,
                            "initialisation took longer than " + INIT_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            result = new InvocationResult.FunctionError("Runtime.Interrupted", "the runtime was stopped");
        } catch (ExecutionException e) {
            result = new InvocationResult.FunctionError(
                    e.getCause().getClass().getName(),
                    String.valueOf(e.getCause().getMessage()));
        }
        if (keep) {
            idle.addFirst(container);
        } else {
            container.discard();
        }
        busy.decrementAndGet();
        listener.finished(new InvocationListener.Finished(started, result, init, clock.instant(), lost));
        return result;
    }

    /**
     * What a container's invocation came to, and whether the container may be reused.
     *
     * @param lostAnswer what the function answered when an injected fault threw the answer away
     */
    private record Outcome(InvocationResult result, boolean keepContainer, Optional<byte[]> lostAnswer) {

        Outcome(InvocationResult result, boolean keepContainer) {
            this(result, keepContainer, Optional.empty());
        }

        /** The function's answer, when it gave one. */
        Optional<byte[]> answer() {
            return result instanceof InvocationResult.Success success
                    ? Optional.of(success.response())
                    : Optional.empty();
        }
    }

    /** One handler instance; the runtime guarantees it runs one invocation at a time. */
    private final class Container {

        private final int id;
        private RequestStreamHandler handler;

        Container(int id) {
            this.id = id;
        }

        /**
         * Builds the handler on a cold start and completes {@code initialised} with the time it took
         * (empty when warm). A failure completes it too, and is returned as the invocation's outcome.
         */
        Optional<Outcome> initialise(CompletableFuture<Optional<Duration>> initialised) {
            if (handler != null) {
                initialised.complete(Optional.empty());
                return Optional.empty();
            }
            Instant initStart = clock.instant();
            try {
                handler = newHandler();
                coldStarts.incrementAndGet();
                initialised.complete(Optional.of(Duration.between(initStart, clock.instant())));
                return Optional.empty();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                log.warn("function {}: initialisation failed: {}", function.name(), cause.toString());
                initialised.complete(Optional.of(Duration.between(initStart, clock.instant())));
                return Optional.of(new Outcome(
                        new InvocationResult.FunctionError(
                                InvocationResult.INIT_ERROR,
                                function.handlerClass() + " could not be initialised: " + cause),
                        false));
            }
        }

        Outcome handle(byte[] payload, String requestId) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                handler.handleRequest(
                        new ByteArrayInputStream(payload),
                        out,
                        new LocalContext(
                                requestId, function, functionArn, logStream(), clock.instant(), clock, functionLog));
                return new Outcome(new InvocationResult.Success(out.toByteArray()), true);
            } catch (IOException | RuntimeException | Error e) {
                return new Outcome(
                        new InvocationResult.FunctionError(e.getClass().getName(), String.valueOf(e.getMessage())),
                        true);
            }
        }

        private String logStream() {
            return "local/[$LATEST]" + String.format("%032x", id);
        }

        void discard() {
            if (handler instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.debug("function {}: closing container {} failed: {}", function.name(), id, e.toString());
                }
            }
            handler = null;
        }
    }

    private RequestStreamHandler newHandler() throws ReflectiveOperationException {
        Class<? extends RequestStreamHandler> type = handlerClass();
        try {
            return type.getConstructor(Map.class).newInstance(function.environment());
        } catch (NoSuchMethodException e) {
            // A handler without a Map constructor reads System.getenv(), which the runtime cannot set.
            return type.getConstructor().newInstance();
        }
    }

    private Class<? extends RequestStreamHandler> handlerClass() throws ClassNotFoundException {
        Class<? extends RequestStreamHandler> known = handlerClass;
        if (known == null) {
            Class<?> loaded = Class.forName(function.handlerClass(), false, loader);
            if (!RequestStreamHandler.class.isAssignableFrom(loaded)) {
                throw new IllegalStateException("Handler class " + function.handlerClass() + " in " + function.jar()
                        + " does not implement com.amazonaws.services.lambda.runtime.RequestStreamHandler; "
                        + "the local runtime runs stream handlers.");
            }
            known = loaded.asSubclass(RequestStreamHandler.class);
            handlerClass = known;
        }
        return known;
    }

    @Override
    public void close() {
        Container container;
        while ((container = idle.pollFirst()) != null) {
            container.discard();
        }
    }
}
