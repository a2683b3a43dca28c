package dev.loadsplitter.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the engine needs of the Lambda invocation it runs in, without depending on Lambda's types.
 *
 * @param requestId the invocation's request id, named by every log line of a direct invocation
 * @param remainingTime the time left before the function timeout, when the invocation started
 * @param startedAt when the invocation started, so its deadline is {@code startedAt + remainingTime}
 */
public record Invocation(String requestId, Duration remainingTime, Instant startedAt) {

    /** Lambda's longest function timeout. */
    public static final Duration MAX_REMAINING = Duration.ofMinutes(15);

    public Invocation {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(remainingTime, "remainingTime");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** An invocation starting now, as a handler builds it from Lambda's {@code Context}. */
    public Invocation(String requestId, Duration remainingTime) {
        this(requestId, remainingTime, Instant.now());
    }

    /** An invocation whose time left is unknown: Lambda's longest timeout is assumed. */
    public Invocation(String requestId) {
        this(requestId, MAX_REMAINING);
    }

    /** When the function timeout ends this invocation. */
    public Instant timesOutAt() {
        return startedAt.plus(remainingTime);
    }
}
