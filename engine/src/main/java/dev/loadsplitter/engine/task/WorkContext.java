package dev.loadsplitter.engine.task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a piece of work came from, so that every log line about it can name it, and how long it
 * may take.
 *
 * @param jobId the id shared by the original task and all its sub-tasks
 * @param partId the sub-task's dotted part path, such as {@code 3} or {@code 3.2}; empty for the original task
 * @param sourceId the SQS message id, or the Lambda request id for a direct invocation
 * @param firstItem the index, in the original event, of the first item of the slice this work is given:
 *     item {@code i} of the slice is item {@code firstItem + i} of the event
 * @param deadline when the work should have stopped so that the invocation can still record what it did
 *     and answer before the function timeout; empty when nothing bounds it (a test, a local call)
 */
public record WorkContext(String jobId, String partId, String sourceId, long firstItem, Optional<Instant> deadline) {

    public WorkContext {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(partId, "partId");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(deadline, "deadline");
        if (firstItem < 0) {
            throw new IllegalArgumentException("firstItem must be 0 or more, got " + firstItem);
        }
    }

    /** A context for work from the event's first item on, with no deadline. */
    public WorkContext(String jobId, String partId, String sourceId) {
        this(jobId, partId, sourceId, 0, Optional.empty());
    }

    /** The same context for a slice that starts at {@code firstItem} of the original event. */
    public WorkContext from(long firstItem) {
        return new WorkContext(jobId, partId, sourceId, firstItem, deadline);
    }

    /**
     * The time left before {@link #deadline()}: zero once it has passed, and {@code Duration.ofDays(365)}
     * when there is none. Work that can stop part-way (a long download, a loop) checks it.
     */
    public Duration timeLeft() {
        return timeLeft(Clock.systemUTC());
    }

    /** As {@link #timeLeft()}, on {@code clock}. */
    public Duration timeLeft(Clock clock) {
        return deadline.map(at -> {
                    Duration left = Duration.between(clock.instant(), at);
                    return left.isNegative() ? Duration.ZERO : left;
                })
                .orElse(UNBOUNDED);
    }

    private static final Duration UNBOUNDED = Duration.ofDays(365);

    /** "job=…, part=…, source=…", for log lines. */
    public String describe() {
        return "job=" + jobId + (partId.isEmpty() ? "" : ", part=" + partId) + ", source=" + sourceId;
    }
}
