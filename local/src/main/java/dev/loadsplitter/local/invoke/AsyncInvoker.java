package dev.loadsplitter.local.invoke;

import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.fault.InvocationIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's asynchronous invocation ({@code InvocationType=Event}), as EventBridge uses it: the
 * event is accepted at once (kept in an {@link AsyncEventStore} first, as Lambda keeps it in its
 * queue), then invoked. A function error or timeout is retried up to two more times, with a growing
 * pause; a throttle is tried again after a pause that doubles from 1 second to 5 minutes, and is not
 * an attempt; an event older than the maximum event age (6 hours by default) is no longer tried.
 * An event that failed every attempt ({@code RetriesExhausted}) or grew too old
 * ({@code EventAgeExceeded}) goes to the on-failure destination as Lambda's invocation record
 * ({@link DestinationRecord}), and is kept in {@link #failedEvents()} too.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
public final class AsyncInvoker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AsyncInvoker.class);

    /** Invokes the function once with an event, as Lambda's queue does. */
    @FunctionalInterface
    public interface Invoker {
        InvocationResult invoke(byte[] payload);

        /** Attempt {@code attempt} (1 for the first) at {@code payload}: an invocation of its own for faults. */
        default InvocationResult invoke(byte[] payload, int attempt) {
            return invoke(payload);
        }
    }

    private final Invoker function;
    private final AsyncSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final AsyncEventStore store;
    private final Consumer<FailedEvent> onFailure;
    private final AtomicInteger pending = new AtomicInteger();
    private final ConcurrentLinkedQueue<FailedEvent> failed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Thread> workers = new ConcurrentLinkedQueue<>();

    private AsyncInvoker(
            Invoker function,
            AsyncSettings settings,
            Clock clock,
            Sleeper sleeper,
            AsyncEventStore store,
            Consumer<FailedEvent> onFailure) {
        this.function = Objects.requireNonNull(function, "function");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.store = Objects.requireNonNull(store, "store");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /**
     * An invoker of {@code function} that resumes the events {@code store} kept from before, each at
     * its attempt and after the rest of its pause, and takes new ones.
     *
     * @param onFailure the on-failure destination: told of each event that failed every attempt or grew too old
     */
    public static AsyncInvoker start(
            FunctionRuntime function,
            AsyncSettings settings,
            Clock clock,
            Sleeper sleeper,
            AsyncEventStore store,
            Consumer<FailedEvent> onFailure) {
        Objects.requireNonNull(function, "function");
        Invoker invoker = new Invoker() {
            @Override
            public InvocationResult invoke(byte[] payload) {
                return invoke(payload, 1);
            }

            @Override
            public InvocationResult invoke(byte[] payload, int attempt) {
                // Each attempt is an invocation of its own for faults inside the function; a throttle is not one.
                return function.invoke(payload, Trigger.ASYNC, InvocationIdentity.event(payload, attempt));
            }
        };
        return start(invoker, settings, clock, sleeper, store, onFailure);
    }

    /** As {@link #start(FunctionRuntime, AsyncSettings, Clock, Sleeper, AsyncEventStore, Consumer)}, with any invoker. */
    public static AsyncInvoker start(
            Invoker function,
            AsyncSettings settings,
            Clock clock,
            Sleeper sleeper,
            AsyncEventStore store,
            Consumer<FailedEvent> onFailure) {
        AsyncInvoker invoker = new AsyncInvoker(function, settings, clock, sleeper, store, onFailure);
        List<AsyncEvent> kept = store.pending();
        if (!kept.isEmpty()) {
            log.info("Asynchronous invocations: resuming {} accepted before the last stop", kept.size());
        }
        kept.forEach(invoker::deliverLater);
        return invoker;
    }

    /**
     * Accepts an event for invocation and returns at once, as Lambda answers 202: once it returns,
     * the event is kept (on disk with a durable store) until it succeeds or goes to the on-failure
     * destination.
     *
     * @throws RuntimeException when the store cannot keep it; then it is not accepted
     */
    public void submit(byte[] payload) {
        Instant now = clock.instant();
        AsyncEvent event = new AsyncEvent(UUID.randomUUID().toString(), payload, now, 0, now, "");
        store.save(event);
        deliverLater(event);
    }

    private void deliverLater(AsyncEvent event) {
        pending.incrementAndGet();
        Thread worker = Thread.ofVirtual().name("async-invoke-" + event.id()).unstarted(() -> {
            try {
                deliver(event);
            } finally {
                workers.remove(Thread.currentThread());
                pending.decrementAndGet();
            }
        });
        workers.add(worker);
        worker.start();
    }

    /** Events accepted and not yet finished, retries included. */
    public int pending() {
        return pending.get();
    }

    /** Events that failed every attempt or grew older than the maximum event age. */
    public List<FailedEvent> failedEvents() {
        return List.copyOf(failed);
    }

    private void deliver(AsyncEvent accepted) {
        AsyncEvent event = accepted;
        int throttles = 0;
        Instant expires = event.acceptedAt().plus(settings.maxEventAge());
        while (true) {
            Instant now = clock.instant();
            if (!now.isBefore(expires)) {
                log.warn(
                        "Asynchronous invocation {}: older than the maximum event age ({}) after {} attempts and {} "
                                + "throttles; sending it to the on-failure destination",
                        event.id(),
                        settings.maxEventAge(),
                        event.attempts(),
                        throttles);
                giveUp(event, FailedEvent.EVENT_AGE_EXCEEDED, event.lastError());
                return;
            }
            if (now.isBefore(event.notBefore())) {
                Instant until = event.notBefore().isBefore(expires) ? event.notBefore() : expires;
                if (!sleep(Duration.between(now, until))) {
                    interrupted(event);
                    return;
                }
                continue;
            }
            InvocationResult result = function.invoke(event.payload(), event.attempts() + 1);
            if (result instanceof InvocationResult.Success) {
                store.remove(event.id());
                return;
            }
            String error = new String(result.payload(), StandardCharsets.UTF_8);
            if (result instanceof InvocationResult.Throttled) {
                throttles++;
                Duration pause = settings.pauseAfterThrottle(throttles);
                log.debug(
                        "Asynchronous invocation {}: throttled ({} in a row), again in {}",
                        event.id(),
                        throttles,
                        pause);
                // Throttles are not attempts: nothing to keep, the age already bounds them.
                event = event.throttled(error, clock.instant().plus(pause));
                continue;
            }
            throttles = 0;
            if (event.attempts() + 1 > settings.retries()) {
                log.warn(
                        "Asynchronous invocation {} failed {} times, giving up and sending it to the on-failure "
                                + "destination: {}",
                        event.id(),
                        event.attempts() + 1,
                        error);
                giveUp(event.failed(error, clock.instant()), FailedEvent.RETRIES_EXHAUSTED, error);
                return;
            }
            Duration pause = settings.pauseBeforeRetry(event.attempts() + 1);
            log.warn(
                    "Asynchronous invocation {} failed (attempt {} of {}), retrying in {} ms: {}",
                    event.id(),
                    event.attempts() + 1,
                    settings.retries() + 1,
                    pause.toMillis(),
                    error);
            event = event.failed(error, clock.instant().plus(pause));
            try {
                store.save(event);
            } catch (RuntimeException e) {
                // The retry goes on from memory; a restart before it is done would repeat the attempt kept before.
                log.error(
                        "Asynchronous invocation {}: could not keep attempt {} ({}); retrying anyway",
                        event.id(),
                        event.attempts(),
                        e.toString());
            }
        }
    }

    /** Stopped while waiting: a durable store keeps the event for the next start; otherwise it is lost, and said so. */
    private void interrupted(AsyncEvent event) {
        if (store.durable()) {
            log.info(
                    "Asynchronous invocation {}: stopped while waiting to be tried again; kept for the next start",
                    event.id());
            return;
        }
        String error = event.lastError().isEmpty()
                ? "interrupted while waiting to be invoked"
                : "interrupted while waiting to retry: " + event.lastError();
        giveUp(event, FailedEvent.RETRIES_EXHAUSTED, error);
    }

    private void giveUp(AsyncEvent event, String condition, String lastError) {
        FailedEvent failure = new FailedEvent(event.payload(), lastError, event.attempts(), condition);
        failed.add(failure);
        try {
            onFailure.accept(failure);
        } catch (RuntimeException e) {
            log.error(
                    "Asynchronous invocation {}: could not send it to the on-failure destination: {}; it is kept in "
                            + "memory only",
                    event.id(),
                    e.toString());
        }
        // Removed only once the destination has it: a crash in between runs the event again, never loses it.
        store.remove(event.id());
    }

    private boolean sleep(Duration pause) {
        try {
            sleeper.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Interrupts events waiting for a retry; invocations already running finish. A durable store keeps the waiting ones. */
    @Override
    public void close() {
        workers.forEach(Thread::interrupt);
    }

    /**
     * An event given up: it failed every attempt, or grew older than the maximum event age.
     *
     * @param payload the event
     * @param lastError the last attempt's error payload (or throttle's); empty when it never got that far
     * @param attempts how many attempts failed
     * @param condition Lambda's {@code RetriesExhausted} or {@code EventAgeExceeded}
     */
    public record FailedEvent(byte[] payload, String lastError, int attempts, String condition) {

        /** Lambda's condition for an event that failed every attempt. */
        public static final String RETRIES_EXHAUSTED = "RetriesExhausted";
        /** Lambda's condition for an event older than the maximum event age. */
        public static final String EVENT_AGE_EXCEEDED = "EventAgeExceeded";

        public FailedEvent {
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(lastError, "lastError");
            Objects.requireNonNull(condition, "condition");
        }

        /** An event that failed every attempt. */
        public FailedEvent(byte[] payload, String lastError, int attempts) {
            this(payload, lastError, attempts, RETRIES_EXHAUSTED);
        }
    }
}
