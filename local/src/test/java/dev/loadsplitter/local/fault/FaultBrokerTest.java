package dev.loadsplitter.local.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loadsplitter.local.fault.CallFaults.Call;
import dev.loadsplitter.local.fault.CallFaults.Decision;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The broker's decisions, as every local endpoint gets them: DynamoDB's and EventBridge's as SQS's. */
class FaultBrokerTest {

    private static final FaultPlan.CallRates ALL = new FaultPlan.CallRates(0.2, 0.2, 0.2, 0.2);
    private static final List<String[]> CALLS = List.of(
            new String[] {"dynamodb", "UpdateItem"},
            new String[] {"dynamodb", "GetItem"},
            new String[] {"sqs", "SendMessageBatch"},
            new String[] {"dynamodb", "TransactWriteItems"},
            new String[] {"eventbridge", "PutEvents"});

    private static FaultBroker broker(long seed, FaultPlan.CallRates rates) {
        return new FaultBroker(
                FaultPlan.none().withCalls(rates).withInvokeThrottleRate(0.25).withSeed(seed));
    }

    private static InvocationIdentity event(int i) {
        return InvocationIdentity.event(("{\"tags\":" + i + "}").getBytes(StandardCharsets.UTF_8), 1);
    }

    private static TraceHeader trace(Random random) {
        return TraceHeader.create(Instant.parse("2026-12-03T10:00:00Z"), random);
    }

    private static Call call(String service, String operation, TraceHeader trace) {
        return new Call(service, operation, Optional.of(trace.value()));
    }

    @Test
    void aCallWithoutATraceHeaderOrOfNoRunningInvocationIsNeverFaulted() {
        FaultBroker broker = broker(1, new FaultPlan.CallRates(1, 1, 1, 1));
        TraceHeader ended = trace(new Random(1));
        broker.start(ended, event(1)).close();

        assertThat(broker.decide(new Call("sqs", "ReceiveMessage", Optional.empty())))
                .isEqualTo(Decision.APPLY);
        assertThat(broker.decide(new Call("dynamodb", "Scan", Optional.of("Root=1-00000000-unknown"))))
                .isEqualTo(Decision.APPLY);
        assertThat(broker.decide(new Call("dynamodb", "PutItem", Optional.of("not a trace header"))))
                .isEqualTo(Decision.APPLY);
        assertThat(broker.decide(call("dynamodb", "PutItem", ended))).isEqualTo(Decision.APPLY);
        assertThat(broker.counts().unattributedCalls()).isEqualTo(4);
        assertThat(broker.counts().attributedCalls()).isZero();
    }

    @Test
    void theSameSeedMakesTheSameDecisionsHoweverThreadsInterleave() throws Exception {
        // One run: invocations one after another. The other: all at once on their own threads, started in
        // reverse order, so calls of different invocations interleave however the scheduler likes.
        Map<String, Decision> sequential = decisions(broker(42, ALL), false);
        Map<String, Decision> concurrent = decisions(broker(42, ALL), true);
        Map<String, Decision> otherSeed = decisions(broker(43, ALL), false);

        assertThat(concurrent).hasSize(200 * 30).isEqualTo(sequential);
        assertThat(kinds(sequential))
                .containsKeys(
                        Decision.APPLY,
                        Decision.CRASH_AFTER,
                        Decision.REFUSE,
                        Decision.LOSE_ANSWER_500,
                        Decision.LOSE_ANSWER_RESET,
                        Decision.CONFLICT,
                        Decision.THROTTLE);
        assertThat(otherSeed).isNotEqualTo(sequential);
    }

    /** What a broker decided for each call, by invocation and call index; each invocation makes 30 calls. */
    private static Map<String, Decision> decisions(FaultBroker broker, boolean concurrently) throws Exception {
        Map<String, Decision> decided = new ConcurrentHashMap<>();
        List<Integer> order = new ArrayList<>(IntStream.range(0, 200).boxed().toList());
        Random random = new Random(7);
        if (!concurrently) {
            for (int i : order) {
                invoke(broker, i, trace(random), decided);
            }
            return decided;
        }
        Collections.reverse(order);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i : order) {
                TraceHeader trace = trace(random);
                running.add(threads.submit(() -> {
                    go.await();
                    invoke(broker, i, trace, decided);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> invocation : running) {
                invocation.get();
            }
        }
        return decided;
    }

    private static void invoke(FaultBroker broker, int i, TraceHeader trace, Map<String, Decision> decided) {
        try (FaultBroker.Invocation invocation = broker.start(trace, event(i))) {
            for (int index = 0; index < 30; index++) {
                String[] call = CALLS.get(index % CALLS.size());
                decided.put(i + "#" + index, broker.decide(call(call[0], call[1], trace)));
                Thread.yield();
            }
            invocation.crashAtEnd();
        }
    }

    private static Map<Decision, Integer> kinds(Map<String, Decision> decided) {
        Map<Decision, Integer> kinds = new EnumMap<>(Decision.class);
        decided.values().forEach(decision -> kinds.merge(decision, 1, Integer::sum));
        return kinds;
    }

    @Test
    void aCrashedContainerIsRefusedEverythingItSendsAfterwards() {
        FaultBroker broker = broker(5, new FaultPlan.CallRates(1, 0, 0, 0));
        InvocationIdentity identity = event(3);
        long crashAfter = broker.plannedCrash(identity).orElseThrow();
        TraceHeader trace = trace(new Random(2));

        FaultBroker.Invocation invocation = broker.start(trace, identity);
        List<Decision> decided = new ArrayList<>();
        for (long index = 0; index <= crashAfter + 2; index++) {
            decided.add(broker.decide(call("dynamodb", "PutItem", trace)));
        }
        invocation.close();
        Decision afterItEnded = broker.decide(call("sqs", "SendMessage", trace));

        assertThat(decided.subList(0, (int) crashAfter)).containsOnly(Decision.APPLY);
        assertThat(decided.subList((int) crashAfter, decided.size()))
                .containsExactly(Decision.CRASH_AFTER, Decision.REFUSE, Decision.REFUSE);
        assertThat(afterItEnded).isEqualTo(Decision.REFUSE);
        assertThat(invocation.crashed())
                .isCompletedWithValue(new FaultBroker.Crash(OptionalLong.of(crashAfter), "dynamodb", "PutItem"));
        assertThat(invocation.crashAtEnd()).isEmpty();
        assertThat(broker.counts().crashesInside()).isEqualTo(1);
        assertThat(broker.counts().refusedCalls()).isEqualTo(3);
    }

    @Test
    void anInvocationThatEndsBeforeItsChosenCallDiesAfterItsLastOne() {
        FaultBroker broker = broker(5, new FaultPlan.CallRates(1, 0, 0, 0));
        InvocationIdentity identity = IntStream.range(0, 1_000)
                .mapToObj(FaultBrokerTest::event)
                .filter(candidate -> broker.plannedCrash(candidate).orElseThrow() >= 2)
                .findFirst()
                .orElseThrow();
        TraceHeader trace = trace(new Random(3));

        FaultBroker.Invocation invocation = broker.start(trace, identity);
        Decision onlyCall = broker.decide(call("eventbridge", "PutEvents", trace));
        Optional<FaultBroker.Crash> atEnd = invocation.crashAtEnd();
        invocation.close();

        assertThat(onlyCall).isEqualTo(Decision.APPLY);
        assertThat(atEnd).contains(new FaultBroker.Crash(OptionalLong.empty(), "", ""));
        assertThat(atEnd.orElseThrow().message()).contains("after its last call, before answering");
        assertThat(broker.decide(call("eventbridge", "PutEvents", trace))).isEqualTo(Decision.REFUSE);
    }

    @Test
    void theShareOfCrashingInvocationsIsTheRateAndLateCallsStayReachable() {
        FaultBroker broker = broker(11, new FaultPlan.CallRates(0.3, 0, 0, 0));
        List<Long> indexes = IntStream.range(0, 20_000)
                .mapToObj(i -> broker.plannedCrash(event(i)))
                .filter(OptionalLong::isPresent)
                .map(OptionalLong::getAsLong)
                .toList();

        assertThat(indexes.size() / 20_000.0).isCloseTo(0.3, within(0.015));
        // P(index >= n) = 4 / (n + 4): half within the first four calls, one in six after the twentieth.
        assertThat(indexes.stream().filter(index -> index < 4).count() / (double) indexes.size())
                .isCloseTo(0.5, within(0.03));
        assertThat(indexes.stream().filter(index -> index >= 20).count() / (double) indexes.size())
                .isCloseTo(1 / 6.0, within(0.02));
        assertThat(indexes.stream().filter(index -> index >= 100).count()).isPositive();
    }

    @Test
    void dynamoDbConflictsAreForWritesAndTransactionsAndThrottlesForAnyCallWinningOverConflicts() {
        FaultBroker conflicting = broker(1, new FaultPlan.CallRates(0, 0, 1, 0));
        FaultBroker throttling = broker(1, new FaultPlan.CallRates(0, 0, 1, 1));
        TraceHeader first = trace(new Random(4));
        TraceHeader second = trace(new Random(5));
        conflicting.start(first, event(1));
        throttling.start(second, event(1));

        assertThat(List.of(
                        conflicting.decide(call("dynamodb", "PutItem", first)),
                        conflicting.decide(call("dynamodb", "UpdateItem", first)),
                        conflicting.decide(call("dynamodb", "DeleteItem", first)),
                        conflicting.decide(call("dynamodb", "TransactWriteItems", first)),
                        conflicting.decide(call("dynamodb", "GetItem", first)),
                        conflicting.decide(call("dynamodb", "Query", first)),
                        conflicting.decide(call("sqs", "SendMessage", first)),
                        conflicting.decide(call("eventbridge", "PutEvents", first))))
                .containsExactly(
                        Decision.CONFLICT,
                        Decision.CONFLICT,
                        Decision.CONFLICT,
                        Decision.CONFLICT,
                        Decision.APPLY,
                        Decision.APPLY,
                        Decision.APPLY,
                        Decision.APPLY);
        assertThat(List.of(
                        throttling.decide(call("dynamodb", "GetItem", second)),
                        throttling.decide(call("dynamodb", "TransactWriteItems", second)),
                        throttling.decide(call("sqs", "SendMessage", second))))
                .containsExactly(Decision.THROTTLE, Decision.THROTTLE, Decision.APPLY);
        assertThat(conflicting.counts().conflicts()).isEqualTo(4);
        assertThat(throttling.counts().throttles()).isEqualTo(2);
    }

    @Test
    void aShareOfCallsIsAppliedThenAnsweredWithA500OrAReset() {
        FaultBroker broker = broker(9, new FaultPlan.CallRates(0, 0.25, 0, 0));
        Map<Decision, Integer> kinds = new EnumMap<>(Decision.class);
        Random random = new Random(6);
        for (int i = 0; i < 400; i++) {
            TraceHeader trace = trace(random);
            try (FaultBroker.Invocation ignored = broker.start(trace, event(i))) {
                for (int index = 0; index < 10; index++) {
                    kinds.merge(broker.decide(call("sqs", "SendMessageBatch", trace)), 1, Integer::sum);
                }
            }
        }

        assertThat(kinds).containsOnlyKeys(Decision.APPLY, Decision.LOSE_ANSWER_500, Decision.LOSE_ANSWER_RESET);
        assertThat((kinds.get(Decision.LOSE_ANSWER_500) + kinds.get(Decision.LOSE_ANSWER_RESET)) / 4_000.0)
                .isCloseTo(0.25, within(0.02));
        assertThat(kinds.get(Decision.LOSE_ANSWER_500) / (double) kinds.get(Decision.LOSE_ANSWER_RESET))
                .isCloseTo(1.0, within(0.2));
    }

    @Test
    void theDeadLetterConsumersCallsAreNeverFaulted() {
        FaultBroker broker = broker(1, new FaultPlan.CallRates(1, 1, 1, 1));
        TraceHeader trace = trace(new Random(8));

        try (FaultBroker.Invocation exempt = broker.startExempt(trace)) {
            assertThat(broker.decide(call("dynamodb", "TransactWriteItems", trace)))
                    .isEqualTo(Decision.APPLY);
            assertThat(broker.decide(call("sqs", "SendMessage", trace))).isEqualTo(Decision.APPLY);
            assertThat(exempt.crashAtEnd()).isEmpty();
        }
        assertThat(broker.counts().attributedCalls()).isEqualTo(2);
    }

    @Test
    void aSeededShareOfTheMappingsInvocationsIsThrottledTheSameForTheSameIdentity() {
        FaultBroker broker = broker(3, FaultPlan.CallRates.NONE);
        List<Boolean> first = IntStream.range(0, 4_000)
                .mapToObj(i -> broker.throttlesInvocation(event(i)))
                .toList();
        List<Boolean> again = IntStream.range(0, 4_000)
                .mapToObj(i -> broker.throttlesInvocation(event(i)))
                .toList();

        assertThat(again).isEqualTo(first);
        assertThat(first.stream().filter(throttled -> throttled).count() / 4_000.0)
                .isCloseTo(0.25, within(0.02));
        assertThat(broker.counts().throttledInvocations())
                .isEqualTo(2 * first.stream().filter(throttled -> throttled).count());
    }
}
