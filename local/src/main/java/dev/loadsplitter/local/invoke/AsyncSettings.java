package dev.loadsplitter.local.invoke;

import java.time.Duration;
import java.util.Objects;

/**
 * How Lambda handles an asynchronous event it cannot deliver: a function error or timeout is
 * retried up to {@code retries} more times, waiting {@code retryPause} and then twice that; a
 * throttle puts the event back in the queue, to be tried again after a pause that doubles from
 * {@code throttlePause} up to {@code maxThrottlePause}; and an event older than {@code maxEventAge}
 * is no longer tried at all, but sent to the on-failure destination.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html (read 2026-12-03: "one-minute
 * wait between the first two attempts, and two minutes between the second and third"; throttles are retried "for up
 * to 6 hours by default. The retry interval increases exponentially from 1 second after the first attempt to a
 * maximum of 5 minutes.")
 *
 * @param retries retries after the first attempt (Lambda's {@code MaximumRetryAttempts}, 0 to 2)
 * @param retryPause the pause before the first retry of a failed attempt; it doubles for the next
 * @param maxEventAge how long an event is kept (Lambda's {@code MaximumEventAgeInSeconds}, 60 s to 6 h)
 * @param throttlePause the pause after the first throttle
 * @param maxThrottlePause the longest pause after a throttle
 */
public record AsyncSettings(
        int retries, Duration retryPause, Duration maxEventAge, Duration throttlePause, Duration maxThrottlePause) {

    /** Lambda retries a failed asynchronous invocation twice by default. */
    public static final int DEFAULT_RETRIES = 2;
    /** Lambda's default maximum event age, which is also the most it allows: 6 hours. */
    public static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofHours(6);
    /** The least maximum event age Lambda allows. */
    public static final Duration MIN_MAX_EVENT_AGE = Duration.ofSeconds(60);
    /** Lambda's first pause after a throttle. */
    public static final Duration THROTTLE_PAUSE = Duration.ofSeconds(1);
    /** Lambda's longest pause after a throttle. */
    public static final Duration MAX_THROTTLE_PAUSE = Duration.ofMinutes(5);

    public AsyncSettings {
        if (retries < 0 || retries > 2) {
            throw new IllegalArgumentException("retries must be from 0 to 2, as Lambda allows, got " + retries);
        }
        Objects.requireNonNull(retryPause, "retryPause");
        Objects.requireNonNull(maxEventAge, "maxEventAge");
        Objects.requireNonNull(throttlePause, "throttlePause");
        Objects.requireNonNull(maxThrottlePause, "maxThrottlePause");
        if (maxEventAge.compareTo(MIN_MAX_EVENT_AGE) < 0 || maxEventAge.compareTo(DEFAULT_MAX_EVENT_AGE) > 0) {
            throw new IllegalArgumentException(
                    "the maximum event age must be from 60 s to 6 h, as Lambda allows, got " + maxEventAge);
        }
        if (retryPause.isNegative() || throttlePause.isNegative() || maxThrottlePause.compareTo(throttlePause) < 0) {
            throw new IllegalArgumentException(
                    "pauses must not be negative, and the longest throttle pause at least the " + "first; got retry "
                            + retryPause + ", throttle " + throttlePause + " to " + maxThrottlePause);
        }
    }

    /** Lambda's retries, event age and throttle pauses, with a pause of {@code retryPause} before the first retry. */
    public static AsyncSettings lambdaDefaults(Duration retryPause, Duration maxEventAge) {
        return new AsyncSettings(DEFAULT_RETRIES, retryPause, maxEventAge, THROTTLE_PAUSE, MAX_THROTTLE_PAUSE);
    }

    /** The pause after the {@code throttles}-th throttle in a row: doubling from the first, never above the longest. */
    Duration pauseAfterThrottle(int throttles) {
        if (throttles >= 40) {
            return maxThrottlePause;
        }
        Duration pause = throttlePause.multipliedBy(1L << Math.max(0, throttles - 1));
        return pause.compareTo(maxThrottlePause) > 0 ? maxThrottlePause : pause;
    }

    /** The pause before retry number {@code retry} (1 or 2) of a failed attempt. */
    Duration pauseBeforeRetry(int retry) {
        return retryPause.multipliedBy(1L << Math.max(0, retry - 1));
    }
}
