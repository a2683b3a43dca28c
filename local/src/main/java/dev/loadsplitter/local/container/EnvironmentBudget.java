package dev.loadsplitter.local.container;

import java.time.Clock;
import java.time.Instant;

/**
 * How fast a function may gain new execution environments: Lambda allows each function 1,000 new
 * ones every 10 seconds, refilled continuously (the forecast's {@code lambda.scalingPer10Seconds}).
 * Locally unlimited unless a run asks for AWS's scaling.
 */
public final class EnvironmentBudget {

    private final double capacity;
    private final double perSecond;
    private final Clock clock;
    private double tokens;
    private Instant last;

    private EnvironmentBudget(double capacity, double perSecond, Clock clock) {
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.clock = clock;
        this.tokens = capacity;
        this.last = clock.instant();
    }

    /** No limit: the local default. */
    public static EnvironmentBudget unlimited() {
        return new EnvironmentBudget(Double.POSITIVE_INFINITY, 0, Clock.systemUTC());
    }

    /** {@code per10Seconds} new environments at once, refilled continuously over 10 seconds. */
    public static EnvironmentBudget per10Seconds(double per10Seconds, Clock clock) {
        if (!(per10Seconds >= 1)) {
            throw new IllegalArgumentException("the scaling budget must be at least 1 per 10 s, got " + per10Seconds);
        }
        return new EnvironmentBudget(per10Seconds, per10Seconds / 10, clock);
    }

    /** Takes one new environment from the budget; false when it is spent for now. */
    synchronized boolean tryTake() {
        if (Double.isInfinite(capacity)) {
            return true;
        }
        Instant now = clock.instant();
        tokens = Math.min(capacity, tokens + perSecond * (now.toEpochMilli() - last.toEpochMilli()) / 1000.0);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }
}
