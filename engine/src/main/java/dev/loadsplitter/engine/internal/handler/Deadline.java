package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.Invocation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When an invocation's work must stop so it can still answer before the function timeout: its
 * start plus the time it then had left, less a margin of a tenth of that time (at least 200 ms, at
 * most 2 s) for queuing what is left and returning.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Context.html
 *
 * @param at the moment to stop starting new work
 */
record Deadline(Instant at, Clock clock) {

    private static final Duration MIN_MARGIN = Duration.ofMillis(200);
    private static final Duration MAX_MARGIN = Duration.ofSeconds(2);

    Deadline {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(clock, "clock");
    }

    static Deadline of(Invocation invocation, Clock clock) {
        Duration left = invocation.remainingTime();
        Duration margin = left.dividedBy(10);
        margin = margin.compareTo(MIN_MARGIN) < 0 ? MIN_MARGIN : margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin;
        return new Deadline(invocation.timesOutAt().minus(margin), clock);
    }

    /** The time until the deadline; zero once it has passed. */
    Duration left() {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Whether work estimated to take {@code work} still ends before the deadline. */
    boolean fits(Duration work) {
        return !clock.instant().plus(work).isAfter(at);
    }
}
