package dev.loadsplitter.local.esm;

import dev.loadsplitter.local.forecast.Assumptions;

/**
 * How fast an event source mapping may widen. Locally it opens at its maximum concurrency at once;
 * with AWS's scaling it follows Lambda's documented ramp, from the same assumptions the forecast
 * uses: standard mode starts at 5 concurrent invocations and adds 300 a minute while messages
 * wait; provisioned mode starts at its minimum pollers' 10 invocations each and adds 1,000 a
 * minute, up to its maximum pollers'.
 *
 * @param name {@code immediate}, {@code standard} or {@code provisioned}
 * @param initialConcurrency invocations allowed when the first messages arrive
 * @param perMinute invocations added per minute of waiting messages; 0 for none
 * @param cap the most the ramp allows, before the mapping's own maximum concurrency
 */
public record EsmScaling(String name, int initialConcurrency, double perMinute, int cap) {

    public EsmScaling {
        if (initialConcurrency < 1 || cap < initialConcurrency || perMinute < 0) {
            throw new IllegalArgumentException("a ramp needs 1 <= initial <= cap and a rate of at least 0, got "
                    + initialConcurrency + ", " + cap + ", " + perMinute);
        }
    }

    /** The local default: the whole maximum concurrency at once. */
    public static EsmScaling immediate() {
        return new EsmScaling("immediate", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
    }

    /** Standard mode, as on AWS. */
    public static EsmScaling standard(Assumptions assumptions) {
        return new EsmScaling(
                "standard",
                (int) assumptions.value(Assumptions.STANDARD_INITIAL),
                assumptions.value(Assumptions.STANDARD_RAMP),
                (int) assumptions.value(Assumptions.STANDARD_MAX));
    }

    /** Provisioned mode with {@code minimumPollers} to {@code maximumPollers}, as on AWS. */
    public static EsmScaling provisioned(Assumptions assumptions, int minimumPollers, int maximumPollers) {
        if (minimumPollers < 2 || minimumPollers > 200 || maximumPollers < minimumPollers || maximumPollers > 2_000) {
            throw new IllegalArgumentException("provisioned pollers must be 2 to 200 at the minimum and up to 2000 at "
                    + "the maximum, the maximum at least the minimum; got " + minimumPollers + " and "
                    + maximumPollers);
        }
        int perPoller = (int) assumptions.value(Assumptions.PROVISIONED_PER_POLLER);
        return new EsmScaling(
                "provisioned", minimumPollers * perPoller, assumptions.value(Assumptions.PROVISIONED_RAMP), (int)
                        Math.min(assumptions.value(Assumptions.PROVISIONED_MAX), (long) maximumPollers * perPoller));
    }

    /** Whether this follows AWS's ramps rather than opening at once. */
    public boolean followsAws() {
        return !equals(immediate());
    }

    /**
     * Invocations allowed after messages have waited {@code waitingSeconds} in all, capped by the
     * mapping's {@code maximumConcurrency}.
     */
    public int allowed(double waitingSeconds, int maximumConcurrency) {
        double grown = initialConcurrency + perMinute / 60 * Math.max(0, waitingSeconds);
        return (int) Math.min(Math.min(cap, maximumConcurrency), Math.floor(grown));
    }
}
