package dev.loadsplitter.local.fault;

import java.util.SplittableRandom;

/**
 * Which invocations go wrong, and how, drawn from a seeded generator so a run can be repeated.
 * Faults happen at the runtime's boundary; the function's code has no test hooks.
 *
 * @param failRate share of invocations that fail as if the function threw, before it runs
 * @param crashRate share whose container dies at the end of the invocation: the work is done, the
 *                  result is lost, and the container is replaced
 * @param timeoutRate share that run past the function timeout: the work is done, the result is lost and
 *                    reported as Lambda's timeout (at once, without waiting the timeout out)
 * @param seed the generator's seed
 */
public record FaultPlan(double failRate, double crashRate, double timeoutRate, long seed) {

    public FaultPlan {
        check("fail rate", failRate);
        check("crash rate", crashRate);
        check("timeout rate", timeoutRate);
        if (failRate + crashRate + timeoutRate > 1.0) {
            throw new IllegalArgumentException("fail, crash and timeout rates add up to "
                    + (failRate + crashRate + timeoutRate) + "; together they can be at most 1");
        }
    }

    private static void check(String name, double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException(name + " must be from 0 to 1, got " + rate);
        }
    }

    public static FaultPlan none() {
        return new FaultPlan(0, 0, 0, 1);
    }

    public boolean isNone() {
        return failRate == 0 && crashRate == 0 && timeoutRate == 0;
    }

    /** A thread-safe source of faults following this plan. */
    public Faults start() {
        return new Faults(this);
    }

    /** What happens to one invocation. */
    public enum Fault {
        NONE,
        FAIL,
        CRASH,
        TIMEOUT
    }

    /** Draws one fault per invocation, in the order invocations start. */
    public static final class Faults {

        private final FaultPlan plan;
        private final SplittableRandom random;

        private Faults(FaultPlan plan) {
            this.plan = plan;
            this.random = new SplittableRandom(plan.seed());
        }

        public Fault next() {
            if (plan.isNone()) {
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
