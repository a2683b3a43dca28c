package dev.loadsplitter.local.fault;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The local runtime's one source of faults inside the function: knows which invocation each call
 * comes from, by the trace root of its {@code X-Amzn-Trace-Id} header, and decides what goes wrong
 * with it. The runtime registers every invocation as it starts ({@link #start}) and closes the
 * registration when it ends; a call without a trace header, or with a root no running invocation
 * has, is never faulted (the runtime's pollers and deletes, the CLI's {@code jobs} and {@code dlq},
 * a client of {@code serve}, work the function left running after it answered).
 *
 * <p>Every decision is a pure function of the seed, the invocation's {@link InvocationIdentity} and
 * the call's index within the invocation (0 for its first call an endpoint asks about), so the same
 * seed makes the same decisions however threads interleave between invocations:
 * <ul>
 *   <li>a share {@code crashInsideRate} of invocations is chosen to crash, just after the call at an
 *       index drawn with P(index ≥ n) = 4 / (n + 4) (the number of calls an invocation will make is not
 *       known while it runs, so late calls must stay reachable: half the crashes come within the first
 *       four calls, one in six after the twentieth). That call is applied, its connection dropped, and
 *       every later call of the invocation refused; an invocation that ends before that index crashes
 *       after its last call, before it answers ({@link Invocation#crashAtEnd});
 *   <li>each DynamoDB call is throttled with {@code dynamoDbThrottleRate}, else each write or
 *       transaction conflicts with {@code dynamoDbConflictRate};
 *   <li>each call's answer is lost with {@code lostResponseRate}: half a 500, half a connection reset;
 *   <li>a share {@code invokeThrottleRate} of the mapping's invocations is throttled before it runs
 *       ({@link #throttlesInvocation}).
 * </ul>
 */
public final class FaultBroker implements CallFaults {

    /** How many crashed invocations' roots are remembered, to refuse what their containers still send. */
    private static final int DEAD_ROOTS_KEPT = 100_000;

    /** The scale of the crash index's heavy tail: P(index ≥ n) = SCALE / (n + SCALE). */
    private static final double CRASH_INDEX_SCALE = 4;

    private static final long CRASH_CHOSEN = 0x6372617368L;
    private static final long CRASH_INDEX = 0x696e646578L;
    private static final long INVOKE_THROTTLE = 0x746872L;
    private static final long LOST = 0x6c6f7374L;
    private static final long LOST_KIND = 0x6b696e64L;
    private static final long CONFLICT = 0x636f6e66L;
    private static final long THROTTLE = 0x7468726fL;

    /** DynamoDB operations that can meet a pending transaction and fail as a conflict. */
    private static final Set<String> CONFLICTING_OPERATIONS =
            Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "TransactGetItems");

    private final FaultPlan plan;
    private final ConcurrentHashMap<String, Invocation> running = new ConcurrentHashMap<>();
    private final Set<String> dead = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> deadInOrder = new ConcurrentLinkedQueue<>();
    private final LongAdder attributed = new LongAdder();
    private final LongAdder unattributed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder crashes = new LongAdder();
    private final LongAdder lostAnswers = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder throttles = new LongAdder();
    private final LongAdder invokeThrottles = new LongAdder();

    public FaultBroker(FaultPlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    /** A broker that never faults anything. */
    public static FaultBroker none() {
        return new FaultBroker(FaultPlan.none());
    }

    public FaultPlan plan() {
        return plan;
    }

    /** Whether the SQS mapping's invocation {@code identity} is throttled before the function runs. */
    public boolean throttlesInvocation(InvocationIdentity identity) {
        if (plan.invokeThrottleRate() == 0) {
            return false;
        }
        boolean throttled = draw(identity.digest(), INVOKE_THROTTLE, 0) < plan.invokeThrottleRate();
        if (throttled) {
            invokeThrottles.increment();
        }
        return throttled;
    }

    /**
     * The index of the call after which invocation {@code identity} crashes, when it is chosen to:
     * what {@link #start} will do with it, for logs and tests.
     */
    public OptionalLong plannedCrash(InvocationIdentity identity) {
        return plan.calls().crashInsideRate() == 0 ? OptionalLong.empty() : plannedCrash(identity.digest());
    }

    private OptionalLong plannedCrash(long digest) {
        double rate = plan.calls().crashInsideRate();
        if (rate == 0 || draw(digest, CRASH_CHOSEN, 0) >= rate) {
            return OptionalLong.empty();
        }
        double u = draw(digest, CRASH_INDEX, 0);
        double index = Math.floor(CRASH_INDEX_SCALE / (1 - u) - CRASH_INDEX_SCALE);
        return OptionalLong.of(index >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) index);
    }

    /** Registers an invocation whose calls carry {@code trace}; close it when the invocation ends. */
    public Invocation start(TraceHeader trace, InvocationIdentity identity) {
        // Without faults inside the function no digest is computed: an invocation then costs no hashing.
        long digest = plan.calls().isNone() ? 0 : identity.digest();
        Invocation invocation = new Invocation(trace.root(), digest, plannedCrash(digest), false);
        running.put(trace.root(), invocation);
        return invocation;
    }

    /** Registers an invocation whose calls are never faulted (the dead-letter queue's consumer). */
    public Invocation startExempt(TraceHeader trace) {
        Invocation invocation = new Invocation(trace.root(), 0, OptionalLong.empty(), true);
        running.put(trace.root(), invocation);
        return invocation;
    }

    @Override
    public Decision decide(Call call) {
        Optional<String> root = call.traceHeader().flatMap(TraceHeader::rootOf);
        if (root.isEmpty()) {
            unattributed.increment();
            return Decision.APPLY;
        }
        if (dead.contains(root.get())) {
            refused.increment();
            return Decision.REFUSE;
        }
        Invocation invocation = running.get(root.get());
        if (invocation == null) {
            unattributed.increment();
            return Decision.APPLY;
        }
        attributed.increment();
        return invocation.decide(call);
    }

    /** What the broker decided so far. */
    public Counts counts() {
        return new Counts(
                attributed.sum(),
                unattributed.sum(),
                refused.sum(),
                crashes.sum(),
                lostAnswers.sum(),
                conflicts.sum(),
                throttles.sum(),
                invokeThrottles.sum());
    }

    /**
     * @param attributedCalls calls of a running invocation
     * @param unattributedCalls calls without a trace header, or of no running invocation: never faulted
     * @param refusedCalls calls of a crashed container, refused
     * @param crashesInside invocations whose container died after one of their calls (or their last)
     * @param lostAnswers calls applied whose answer was lost
     * @param conflicts DynamoDB calls failed as conflicting with a transaction
     * @param throttles DynamoDB calls throttled
     * @param throttledInvocations the mapping's invocations throttled before the function ran
     */
    public record Counts(
            long attributedCalls,
            long unattributedCalls,
            long refusedCalls,
            long crashesInside,
            long lostAnswers,
            long conflicts,
            long throttles,
            long throttledInvocations) {}

    /**
     * How an invocation's container died.
     *
     * @param afterCall the index of the call after which it died; empty when it died after its last call
     * @param service the service of that call
     * @param operation its operation
     */
    public record Crash(OptionalLong afterCall, String service, String operation) {

        /** The error message of the invocation that ends with it. */
        public String message() {
            return afterCall.isPresent()
                    ? String.format(
                            Locale.ROOT,
                            "injected crash inside the function (--crash-inside-rate): the container died just after "
                                    + "its call %d (%s %s) took effect; Runtime exited without answering",
                            afterCall.getAsLong(),
                            service,
                            operation)
                    : "injected crash inside the function (--crash-inside-rate): the container died after its last "
                            + "call, before answering; Runtime exited without answering";
        }
    }

    /** One running invocation: numbers its calls and decides each. */
    public final class Invocation implements AutoCloseable {

        private final String root;
        private final long digest;
        private final OptionalLong crashAfter;
        private final boolean exempt;
        private final AtomicLong calls = new AtomicLong();
        private final AtomicBoolean died = new AtomicBoolean();
        private final CompletableFuture<Crash> crashed = new CompletableFuture<>();

        private Invocation(String root, long digest, OptionalLong crashAfter, boolean exempt) {
            this.root = root;
            this.digest = digest;
            this.crashAfter = crashAfter;
            this.exempt = exempt;
        }

        /** Completes when the invocation's container dies after one of its calls. */
        public CompletableFuture<Crash> crashed() {
            return crashed;
        }

        /**
         * Ends an invocation chosen to crash after more calls than it made: its container dies after its
         * last call, before it answers. Empty when it was not chosen, or has crashed already.
         */
        public Optional<Crash> crashAtEnd() {
            if (crashAfter.isEmpty() || !die()) {
                return Optional.empty();
            }
            Crash crash = new Crash(OptionalLong.empty(), "", "");
            crashed.complete(crash);
            return Optional.of(crash);
        }

        private Decision decide(Call call) {
            if (exempt) {
                return Decision.APPLY;
            }
            long index = calls.getAndIncrement();
            if (crashAfter.isPresent() && index >= crashAfter.getAsLong()) {
                if (index == crashAfter.getAsLong() && die()) {
                    crashed.complete(new Crash(OptionalLong.of(index), call.service(), call.operation()));
                    return Decision.CRASH_AFTER;
                }
                refused.increment();
                return Decision.REFUSE;
            }
            FaultPlan.CallRates rates = plan.calls();
            if (call.service().equals("dynamodb")) {
                if (rates.dynamoDbThrottleRate() > 0 && draw(digest, THROTTLE, index) < rates.dynamoDbThrottleRate()) {
                    throttles.increment();
                    return Decision.THROTTLE;
                }
                if (rates.dynamoDbConflictRate() > 0
                        && CONFLICTING_OPERATIONS.contains(call.operation())
                        && draw(digest, CONFLICT, index) < rates.dynamoDbConflictRate()) {
                    conflicts.increment();
                    return Decision.CONFLICT;
                }
            }
            if (rates.lostResponseRate() > 0 && draw(digest, LOST, index) < rates.lostResponseRate()) {
                lostAnswers.increment();
                return draw(digest, LOST_KIND, index) < 0.5 ? Decision.LOSE_ANSWER_500 : Decision.LOSE_ANSWER_RESET;
            }
            return Decision.APPLY;
        }

        /** Marks the container dead, once: from now on nothing it sends is applied. */
        private boolean die() {
            if (!died.compareAndSet(false, true)) {
                return false;
            }
            crashes.increment();
            if (dead.add(root)) {
                deadInOrder.add(root);
                while (deadInOrder.size() > DEAD_ROOTS_KEPT) {
                    String oldest = deadInOrder.poll();
                    if (oldest != null) {
                        dead.remove(oldest);
                    }
                }
            }
            return true;
        }

        /** The invocation has ended; a crashed one's root stays refused. */
        @Override
        public void close() {
            running.remove(root, this);
        }
    }

    /** A number in [0, 1) that depends on the seed, the invocation, what is drawn and the call's index only. */
    private double draw(long digest, long what, long index) {
        long x = mix(plan.seed() + GOLDEN);
        x = mix(x ^ digest);
        x = mix(x ^ what);
        x = mix(x ^ index);
        return (x >>> 11) * 0x1.0p-53;
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** SplitMix64's finaliser: every bit of the input moves every bit of the output. */
    private static long mix(long z) {
        z += GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
