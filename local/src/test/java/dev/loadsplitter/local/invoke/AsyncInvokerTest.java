package dev.loadsplitter.local.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.testing.SteppingClock;
import dev.loadsplitter.local.container.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lambda's handling of an asynchronous event, on a clock that moves only when the invoker waits:
 * throttles back off from 1 s to 5 min and stop at the maximum event age, function errors are
 * retried twice, and an event is kept in its store from acceptance until it is done.
 */
class AsyncInvokerTest {

    private static final Instant START = Instant.parse("2026-12-03T12:00:00Z");
    private static final byte[] EVENT = "{\"detail\":{}}".getBytes(StandardCharsets.UTF_8);

    private final SteppingClock clock = new SteppingClock(START);
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    /** Waits by moving the clock: each pause is exact, and no test waits for real time to pass. */
    private final Sleeper sleeper = pause -> {
        pauses.add(pause);
        clock.advance(pause);
    };

    private final List<AsyncInvoker.FailedEvent> destination = new CopyOnWriteArrayList<>();
    private final RecordingStore store = new RecordingStore(true);

    private static AsyncSettings lambda(Duration maxEventAge) {
        return AsyncSettings.lambdaDefaults(Duration.ofMinutes(1), maxEventAge);
    }

    /** Answers with {@code results} in turn, then with the last one for ever. */
    private static AsyncInvoker.Invoker answering(InvocationResult... results) {
        List<InvocationResult> script = List.of(results);
        Iterator<InvocationResult> next = script.iterator();
        return payload -> next.hasNext() ? next.next() : script.getLast();
    }

    private AsyncInvoker start(AsyncInvoker.Invoker function, AsyncSettings settings) {
        return AsyncInvoker.start(function, settings, clock, sleeper, store, destination::add);
    }

    private static void awaitDone(AsyncInvoker invoker) {
        await("the event finished").atMost(Duration.ofSeconds(30)).until(() -> invoker.pending() == 0);
    }

    private static InvocationResult throttled() {
        return new InvocationResult.Throttled(10);
    }

    private static InvocationResult failed() {
        return new InvocationResult.FunctionError("java.lang.IllegalStateException", "boom");
    }

    private static InvocationResult succeeded() {
        return new InvocationResult.Success("{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void throttlesAreRetriedAfterAPauseThatDoublesFromOneSecondToFiveMinutes() {
        List<InvocationResult> script = new ArrayList<>(Collections.nCopies(12, throttled()));
        script.add(succeeded());
        AsyncInvoker invoker = start(answering(script.toArray(InvocationResult[]::new)), lambda(Duration.ofHours(6)));

        invoker.submit(EVENT);
        awaitDone(invoker);

        assertThat(pauses)
                .extracting(Duration::toSeconds)
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L, 300L);
        assertThat(destination).isEmpty();
        assertThat(store.events).as("done: no longer kept").isEmpty();
    }

    @Test
    void anEventThrottledUntilItsMaximumAgeGoesToTheOnFailureDestinationAsLambdaSendsIt() {
        AsyncInvoker invoker = start(answering(throttled()), lambda(Duration.ofHours(6)));

        invoker.submit(EVENT);
        awaitDone(invoker);

        assertThat(clock.instant())
                .as("tried until exactly its maximum age")
                .isEqualTo(START.plus(Duration.ofHours(6)));
        assertThat(pauses)
                .as("never a pause past the age")
                .allSatisfy(pause -> assertThat(pause).isLessThanOrEqualTo(Duration.ofMinutes(5)));
        assertThat(destination).singleElement().satisfies(failure -> {
            assertThat(failure.condition()).isEqualTo("EventAgeExceeded");
            assertThat(failure.attempts()).as("throttles are not attempts").isZero();
            assertThat(failure.payload()).isEqualTo(EVENT);
            assertThat(failure.lastError()).contains("TooManyRequestsException");
        });
        assertThat(invoker.failedEvents()).hasSize(1);
        assertThat(store.events).isEmpty();
    }

    @Test
    void aFunctionErrorIsRetriedTwiceAfterOneThenTwoMinutesThenTheRetriesAreExhausted() {
        AsyncInvoker invoker = start(answering(failed()), lambda(Duration.ofHours(6)));

        invoker.submit(EVENT);
        awaitDone(invoker);

        assertThat(pauses).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2));
        assertThat(destination).singleElement().satisfies(failure -> {
            assertThat(failure.condition()).isEqualTo("RetriesExhausted");
            assertThat(failure.attempts()).isEqualTo(3);
            assertThat(failure.lastError()).contains("boom");
        });
        assertThat(store.saved)
                .as("kept on acceptance and after each failed attempt it will retry")
                .extracting(AsyncEvent::attempts)
                .containsExactly(0, 1, 2);
    }

    @Test
    void aRetryThatWouldComePastTheMaximumAgeIsNotMadeTheEventAgeIsExceeded() {
        AsyncInvoker invoker = start(answering(failed()), lambda(Duration.ofSeconds(90)));

        invoker.submit(EVENT);
        awaitDone(invoker);

        // First retry after 60 s (at 60 s), the second would come at 180 s: the event expires at 90 s.
        assertThat(pauses).containsExactly(Duration.ofMinutes(1), Duration.ofSeconds(30));
        assertThat(destination).singleElement().satisfies(failure -> {
            assertThat(failure.condition()).isEqualTo("EventAgeExceeded");
            assertThat(failure.attempts()).isEqualTo(2);
        });
    }

    @Test
    void anAcceptedEventIsKeptBeforeSubmitReturnsAndForgottenOnceItSucceeds() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AsyncInvoker invoker = start(
                payload -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return succeeded();
                },
                lambda(Duration.ofHours(6)));

        invoker.submit(EVENT);
        assertThat(store.events).as("kept before 202").hasSize(1);
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(invoker.pending()).isEqualTo(1);
        release.countDown();
        awaitDone(invoker);

        assertThat(store.events).isEmpty();
        assertThat(destination).isEmpty();
    }

    @Test
    void eventsKeptFromBeforeResumeAtTheirAttemptAfterTheRestOfTheirPause() {
        store.save(new AsyncEvent(
                "kept-1", EVENT, START.minusSeconds(30), 1, START.plusSeconds(90), "{\"errorMessage\":\"boom\"}"));
        List<byte[]> invoked = new CopyOnWriteArrayList<>();

        AsyncInvoker invoker = start(
                payload -> {
                    invoked.add(payload);
                    return failed();
                },
                lambda(Duration.ofHours(6)));
        awaitDone(invoker);

        assertThat(pauses)
                .as("the rest of the first pause, then the second retry's")
                .containsExactly(Duration.ofSeconds(90), Duration.ofMinutes(2));
        assertThat(invoked)
                .as("attempts 2 and 3 only: attempt 1 failed before the stop")
                .hasSize(2);
        assertThat(destination)
                .singleElement()
                .extracting(AsyncInvoker.FailedEvent::attempts)
                .isEqualTo(3);
        assertThat(store.events).isEmpty();
    }

    @Test
    void stoppedWhileWaitingADurableStoreKeepsTheEventAndNothingGoesToTheDestination() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Sleeper blocking = pause -> {
            waiting.countDown();
            Thread.sleep(Long.MAX_VALUE);
        };
        AsyncInvoker invoker = AsyncInvoker.start(
                answering(failed()), lambda(Duration.ofHours(6)), clock, blocking, store, destination::add);

        invoker.submit(EVENT);
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        invoker.close();
        awaitDone(invoker);

        assertThat(store.events.values())
                .singleElement()
                .extracting(AsyncEvent::attempts)
                .isEqualTo(1);
        assertThat(destination).isEmpty();
    }

    @Test
    void stoppedWhileWaitingWithoutADurableStoreTheEventIsReportedLost() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Sleeper blocking = pause -> {
            waiting.countDown();
            Thread.sleep(Long.MAX_VALUE);
        };
        AsyncInvoker invoker = AsyncInvoker.start(
                answering(failed()),
                lambda(Duration.ofHours(6)),
                clock,
                blocking,
                AsyncEventStore.memory(),
                destination::add);

        invoker.submit(EVENT);
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        invoker.close();
        awaitDone(invoker);

        assertThat(destination)
                .singleElement()
                .satisfies(
                        failure -> assertThat(failure.lastError()).startsWith("interrupted while waiting to retry: "));
    }

    @Test
    void anEventTheStoreCannotKeepIsNotAccepted() {
        AsyncEventStore full = new RecordingStore(true) {
            @Override
            public void save(AsyncEvent event) {
                throw new IllegalStateException("disk full");
            }
        };
        AsyncInvoker invoker = AsyncInvoker.start(
                answering(succeeded()), lambda(Duration.ofHours(6)), clock, sleeper, full, destination::add);

        assertThatThrownBy(() -> invoker.submit(EVENT)).hasMessage("disk full");
        assertThat(invoker.pending()).isZero();
    }

    @Test
    void settingsOutsideLambdasRangesAreRefusedNamingTheRange() {
        assertThatThrownBy(() -> new AsyncSettings(
                        3, Duration.ofMinutes(1), Duration.ofHours(6), Duration.ofSeconds(1), Duration.ofMinutes(5)))
                .hasMessage("retries must be from 0 to 2, as Lambda allows, got 3");
        assertThatThrownBy(() -> AsyncSettings.lambdaDefaults(Duration.ofMinutes(1), Duration.ofSeconds(59)))
                .hasMessage("the maximum event age must be from 60 s to 6 h, as Lambda allows, got PT59S");
        assertThatThrownBy(() -> AsyncSettings.lambdaDefaults(Duration.ofMinutes(1), Duration.ofHours(7)))
                .hasMessage("the maximum event age must be from 60 s to 6 h, as Lambda allows, got PT7H");
    }

    /** A store that remembers what it holds and every event it was given. */
    private static class RecordingStore implements AsyncEventStore {

        final Map<String, AsyncEvent> events = new ConcurrentHashMap<>();
        final List<AsyncEvent> saved = new CopyOnWriteArrayList<>();
        private final boolean durable;

        RecordingStore(boolean durable) {
            this.durable = durable;
        }

        @Override
        public void save(AsyncEvent event) {
            saved.add(event);
            events.put(event.id(), event);
        }

        @Override
        public void remove(String id) {
            events.remove(id);
        }

        @Override
        public List<AsyncEvent> pending() {
            return List.copyOf(events.values());
        }

        @Override
        public boolean durable() {
            return durable;
        }
    }
}
