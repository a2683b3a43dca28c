package dev.loadsplitter.local.invoke;

import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.fault.InvocationIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's asynchronous invocation ({@code InvocationType=Event}), as EventBridge uses it: the
 * event is accepted at once, then invoked; a function error or timeout is retried up to two more
 * times, with a growing pause, and a throttle is retried without counting as an attempt. An event
 * that fails every attempt goes to the on-failure destination as Lambda's invocation record
 * ({@link DestinationRecord}), and is kept in {@link #failedEvents()} too.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
public final class AsyncInvoker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AsyncInvoker.class);

    /** Lambda retries a failed asynchronous invocation twice by default. */
    public static final int DEFAULT_RETRIES = 2;

    private final FunctionRuntime function;
    private final int retries;
    private final Duration retryPause;
    private final Sleeper sleeper;
    private final Consumer<FailedEvent> onFailure;
    private final AtomicInteger pending = new AtomicInteger();
    private final ConcurrentLinkedQueue<FailedEvent> failed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Thread> workers = new ConcurrentLinkedQueue<>();

    /**
     * @param retries retries after the first attempt (Lambda allows 0 to 2)
     * @param retryPause the pause before the first retry; it doubles for the next (Lambda waits about a minute)
     * @param sleeper how a pause is waited out
     * @param onFailure the on-failure destination: told of each event that failed every attempt
     */
    public AsyncInvoker(
            FunctionRuntime function,
            int retries,
            Duration retryPause,
            Sleeper sleeper,
            Consumer<FailedEvent> onFailure) {
        this.function = Objects.requireNonNull(function, "function");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        if (retries < 0 || retries > 2) {
            throw new IllegalArgumentException("retries must be from 0 to 2, as Lambda allows, got " + retries);
        }
        this.retries = retries;
        this.retryPause = Objects.requireNonNull(retryPause, "retryPause");
    }

    /** Accepts an event for invocation and returns at once, as Lambda answers 202. */
    public void submit(byte[] payload) {
        pending.incrementAndGet();
        Thread worker = Thread.ofVirtual().name("async-invoke").unstarted(() -> {
            try {
                deliver(payload);
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

    /** Events that failed every attempt. */
    public List<FailedEvent> failedEvents() {
        return List.copyOf(failed);
    }

    private void deliver(byte[] payload) {
        int attempt = 1;
        while (true) {
            // Each attempt is an invocation of its own for faults inside the function; a throttle is not an attempt.
            InvocationResult result =
                    function.invoke(payload, Trigger.ASYNC, InvocationIdentity.event(payload, attempt));
            if (result instanceof InvocationResult.Success) {
                return;
            }
            if (result instanceof InvocationResult.Throttled) {
                if (!sleep(Duration.ofMillis(100))) {
                    giveUp(new FailedEvent(payload, "interrupted while throttled", attempt - 1));
                    return;
                }
                continue;
            }
            String error = new String(result.payload(), java.nio.charset.StandardCharsets.UTF_8);
            if (attempt > retries) {
                log.warn(
                        "Asynchronous invocation failed {} times, giving up and sending it to the on-failure "
                                + "destination: {}",
                        attempt,
                        error);
                giveUp(new FailedEvent(payload, error, attempt));
                return;
            }
            Duration pause = retryPause.multipliedBy(1L << (attempt - 1));
            log.warn(
                    "Asynchronous invocation failed (attempt {} of {}), retrying in {} ms: {}",
                    attempt,
                    retries + 1,
                    pause.toMillis(),
                    error);
            if (!sleep(pause)) {
                giveUp(new FailedEvent(payload, "interrupted while waiting to retry: " + error, attempt));
                return;
            }
            attempt++;
        }
    }

    private void giveUp(FailedEvent event) {
        failed.add(event);
        try {
            onFailure.accept(event);
        } catch (RuntimeException e) {
            log.error(
                    "Asynchronous invocation: could not send a failed event to the on-failure destination: {}; "
                            + "it is kept in memory only",
                    e.toString());
        }
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

    /** Interrupts events waiting for a retry; invocations already running finish. */
    @Override
    public void close() {
        workers.forEach(Thread::interrupt);
    }

    /**
     * An event that failed every attempt.
     *
     * @param payload the event
     * @param lastError the last attempt's error payload
     * @param attempts how many attempts were made
     */
    public record FailedEvent(byte[] payload, String lastError, int attempts) {}
}
