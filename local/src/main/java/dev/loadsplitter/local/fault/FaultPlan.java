package dev.loadsplitter.local.fault;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Which invocations go wrong, and how. Faults at the runtime's boundary (fail, crash, timeout) are
 * drawn per invocation from a seeded generator in the order invocations start; faults inside the
 * function ({@link CallRates}) and throttled mapping invocations are drawn by the {@link FaultBroker}
 * from the seed and each invocation's identity, so they do not depend on that order. The function's
 * code has no test hooks either way.
 *
 * @param failRate share of invocations that fail as if the function threw, before it runs
 * @param crashRate share whose container dies at the end of the invocation: the work is done, the
 *                  result is lost, and the container is replaced
 * @param timeoutRate share that run past the function timeout: the work is done, the result is lost and
 *                    reported as Lambda's timeout (at once, without waiting the timeout out)
 * @param seed the generator's seed
 * @param invokeThrottleRate share of the SQS mapping's invocations throttled before the function runs, on top of
 *                           the reserved concurrency: the records come back after the visibility timeout
 * @param calls faults of the function's own calls to SQS, DynamoDB and EventBridge
 */
public record FaultPlan(
        double failRate, double crashRate, double timeoutRate, long seed, double invokeThrottleRate, CallRates calls) {

    public FaultPlan {
        check("fail rate", failRate);
        check("crash rate", crashRate);
        check("timeout rate", timeoutRate);
        check("invoke throttle rate", invokeThrottleRate);
        Objects.requireNonNull(calls, "calls");
        if (failRate + crashRate + timeoutRate > 1.0) {
            throw new IllegalArgumentException("fail, crash and timeout rates add up to "
                    + (failRate + crashRate + timeoutRate) + "; together they can be at most 1");
        }
    }

    /** Faults at the runtime's boundary only. */
    public FaultPlan(double failRate, double crashRate, double timeoutRate, long seed) {
        this(failRate, crashRate, timeoutRate, seed, 0, CallRates.NONE);
    }

    static void check(String name, double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException(name + " must be from 0 to 1, got " + rate);
        }
    }

    public static FaultPlan none() {
        return new FaultPlan(0, 0, 0, 1);
    }

    /** This plan with {@code rate} of the mapping's invocations throttled. */
    public FaultPlan withInvokeThrottleRate(double rate) {
        return new FaultPlan(failRate, crashRate, timeoutRate, seed, rate, calls);
    }

    /** This plan with another seed. */
    public FaultPlan withSeed(long newSeed) {
        return new FaultPlan(failRate, crashRate, timeoutRate, newSeed, invokeThrottleRate, calls);
    }

    /** This plan with faults inside the function. */
    public FaultPlan withCalls(CallRates rates) {
        return new FaultPlan(failRate, crashRate, timeoutRate, seed, invokeThrottleRate, rates);
    }

    /** Whether no fault at all is planned. */
    public boolean isNone() {
        return atBoundaryIsNone() && invokeThrottleRate == 0 && calls.isNone();
    }

    private boolean atBoundaryIsNone() {
        return failRate == 0 && crashRate == 0 && timeoutRate == 0;
    }

    /** A thread-safe source of faults following this plan. */
    public Faults start() {
        return new Faults(this);
    }

    /**
     * The faults of the function's calls to the local SQS, DynamoDB and EventBridge endpoints.
     *
     * @param crashInsideRate share of invocations whose container dies just after one of their calls took effect
     * @param lostResponseRate share of calls applied, then answered with a 500 or a connection reset
     * @param dynamoDbConflictRate share of DynamoDB writes and transactions failed as conflicting with another
     *                             transaction, applying nothing
     * @param dynamoDbThrottleRate share of DynamoDB calls throttled, applying nothing
     */
    public record CallRates(
            double crashInsideRate, double lostResponseRate, double dynamoDbConflictRate, double dynamoDbThrottleRate) {

        public static final CallRates NONE = new CallRates(0, 0, 0, 0);

        public CallRates {
            check("crash-inside rate", crashInsideRate);
            check("lost-response rate", lostResponseRate);
            check("DynamoDB conflict rate", dynamoDbConflictRate);
            check("DynamoDB throttle rate", dynamoDbThrottleRate);
        }

        public boolean isNone() {
            return crashInsideRate == 0
                    && lostResponseRate == 0
                    && dynamoDbConflictRate == 0
                    && dynamoDbThrottleRate == 0;
        }
    }

    /** What happens to one invocation at the runtime's boundary. */
    public enum Fault {
        NONE,
        FAIL,
        CRASH,
        TIMEOUT
    }

    /** Draws one boundary fault per invocation, in the order invocations start. */
    public static final class Faults {

        private final FaultPlan plan;
        private final SplittableRandom random;

        private Faults(FaultPlan plan) {
            this.plan = plan;
            this.random = new SplittableRandom(plan.seed());
        }

        public Fault next() {
            if (plan.atBoundaryIsNone()) {
                return Fault.NONE;
            }
            double draw;
            synchronized (this) {
                draw = random.nextDouble();
            }
            if (draw < plan.failRate()) {
                return Fault.FAIL;
            }
            if (draw < plan.failRate() + plan.crashRate()) {
                return Fault.CRASH;
            }
            if (draw < plan.failRate() + plan.crashRate() + plan.timeoutRate()) {
                return Fault.TIMEOUT;
            }
            return Fault.NONE;
        }
    }
}
