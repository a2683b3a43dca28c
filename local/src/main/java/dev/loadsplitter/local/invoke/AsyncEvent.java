package dev.loadsplitter.local.invoke;

import java.time.Instant;
import java.util.Objects;

/**
 * An asynchronous invocation Lambda accepted and has not finished with: what it keeps in its queue.
 *
 * @param id its own id, unique per accepted event
 * @param payload the event
 * @param acceptedAt when it was accepted: its age, which the maximum event age bounds, counts from here
 * @param attempts failed attempts so far (throttles are not attempts)
 * @param notBefore when it may be tried again
 * @param lastError the last failed attempt's or throttle's error payload; empty when none
 */
public record AsyncEvent(
        String id, byte[] payload, Instant acceptedAt, int attempts, Instant notBefore, String lastError) {

    public AsyncEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(lastError, "lastError");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative, got " + attempts);
        }
    }

    /** After one more failed attempt, to be tried again at {@code next}. */
    AsyncEvent failed(String error, Instant next) {
        return new AsyncEvent(id, payload, acceptedAt, attempts + 1, next, error);
    }

    /** After a throttle, to be tried again at {@code next}. */
    AsyncEvent throttled(String error, Instant next) {
        return new AsyncEvent(id, payload, acceptedAt, attempts, next, error);
    }
}
