package dev.loadsplitter.local.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.local.fault.CallFaults;
import dev.loadsplitter.local.fault.FaultBroker;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.fault.InvocationIdentity;
import dev.loadsplitter.local.fault.SqsFaultProxy;
import dev.loadsplitter.local.testfunction.FunctionJars;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.LongPredicate;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Faults inside the function, in both places containers live: each invocation's trace header is
 * where Lambda's runtime puts it for the SDK, so the endpoints tell which invocation made a call;
 * a container that dies after one of its calls ends its invocation as {@code Runtime.ExitError}, and
 * nothing it sends afterwards reaches SQS.
 */
class FaultsInsideTheFunctionIT {

    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:probe";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0";

    @TempDir
    static Path dir;

    private static Path probeJar;
    private static EmbeddedSqs sqs;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ConcurrentLinkedQueue<InvocationListener.Finished> finished = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        probeJar = FunctionJars.probeJar(dir);
        sqs = EmbeddedSqs.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    /** The function for each isolation: our probe in this JVM, a plain handler in a JVM of its own. */
    private FunctionDefinition function(Isolation isolation) {
        return isolation == Isolation.NONE
                ? new FunctionDefinition(
                        "probe",
                        "dev.loadsplitter.local.testfunction.ProbeHandler",
                        probeJar,
                        512,
                        Duration.ofSeconds(20),
                        Map.of(),
                        Isolation.NONE)
                : new FunctionDefinition(
                        "probe",
                        "com.example.CallingHandler::handleRequest",
                        JvmHostIT.PLAIN_JAR,
                        512,
                        Duration.ofSeconds(20),
                        Map.of(),
                        Isolation.PROCESS);
    }

    private FunctionRuntime runtime(Isolation isolation, FaultBroker faults) {
        return runtime(isolation, faults, 10);
    }

    private FunctionRuntime runtime(Isolation isolation, FaultBroker faults, int reservedConcurrency) {
        FunctionRuntime runtime = FunctionRuntime.builder(function(isolation))
                .arn(ARN)
                .reservedConcurrency(reservedConcurrency)
                .clock(Clock.systemUTC())
                .functionLog((requestId, at, message) -> System.out.println(requestId + " " + message))
                .listener(new InvocationListener() {
                    @Override
                    public void finished(Finished done) {
                        finished.add(done);
                    }
                })
                .faults(faults)
                .budget(EnvironmentBudget.unlimited())
                .build();
        opened.add(runtime);
        return runtime;
    }

    private static byte[] tracePayload(Isolation isolation) {
        return (isolation == Isolation.NONE ? "trace" : "{\"trace\":true}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] callsPayload(Isolation isolation, int calls, SqsFaultProxy proxy, String queueUrl) {
        return (isolation == Isolation.NONE
                        ? "calls:" + calls + " " + proxy.endpoint() + " " + queueUrl
                        : "{\"calls\":" + calls + ",\"endpoint\":\"" + proxy.endpoint() + "\",\"queueUrl\":\""
                                + queueUrl + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(InvocationResult result) throws IOException {
        return JSON.readTree(result.payload());
    }

    /** The first seed whose crash-inside draw for {@code payload}'s first attempt satisfies {@code wanted}. */
    private static FaultBroker brokerWhoseCrashComes(byte[] payload, LongPredicate wanted) {
        FaultPlan plan = FaultPlan.none().withCalls(new FaultPlan.CallRates(1, 0, 0, 0));
        return LongStream.rangeClosed(1, 1_000)
                .mapToObj(seed -> new FaultBroker(plan.withSeed(seed)))
                .filter(broker -> {
                    OptionalLong index = broker.plannedCrash(InvocationIdentity.event(payload, 1));
                    return index.isPresent() && wanted.test(index.getAsLong());
                })
                .findFirst()
                .orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(
            value = Isolation.class,
            names = {"NONE", "PROCESS"})
    void everyInvocationHasLambdasTraceHeaderOnItsThreadItsChildThreadsAndInItsContext(Isolation isolation)
            throws Exception {
        FunctionRuntime runtime = runtime(isolation, FaultBroker.none());

        JsonNode first = json(runtime.invoke(tracePayload(isolation), Trigger.SYNC));
        JsonNode second = json(runtime.invoke(tracePayload(isolation), Trigger.SYNC));

        assertThat(first.path("main").asText()).matches(TRACE);
        assertThat(first.path("child").asText()).isEqualTo(first.path("main").asText());
        assertThat(first.path("context").asText()).isEqualTo(first.path("main").asText());
        assertThat(second.path("main").asText())
                .matches(TRACE)
                .isNotEqualTo(first.path("main").asText());
        assertThat(second.path("child").asText()).isEqualTo(second.path("main").asText());
        assertThat(runtime.coldStarts()).as("one warm container for both").isEqualTo(1);
    }

    @Test
    void aContainerInThisJvmHasLambdasFunctionNameInItsEnvironmentMap() throws Exception {
        FunctionRuntime runtime = runtime(Isolation.NONE, FaultBroker.none());

        JsonNode answer =
                json(runtime.invoke("env:AWS_LAMBDA_FUNCTION_NAME".getBytes(StandardCharsets.UTF_8), Trigger.SYNC));

        assertThat(answer.path("value").asText()).isEqualTo("probe");
    }

    @ParameterizedTest
    @EnumSource(
            value = Isolation.class,
            names = {"NONE", "PROCESS"})
    void aContainerThatDiesAfterACallEndsItsInvocationAsRuntimeExitErrorAndNothingItSendsLaterArrives(
            Isolation isolation) throws Exception {
        String queueUrl = sqs.createQueue("crash-" + isolation.option() + "-" + System.nanoTime());
        // The broker decides per call; the proxy is made first because the payload names it.
        FaultBroker[] decider = new FaultBroker[1];
        SqsFaultProxy proxy = SqsFaultProxy.start(sqs.endpoint(), call -> decider[0].decide(call), 0, 1);
        opened.add(proxy);
        byte[] payload = callsPayload(isolation, 3, proxy, queueUrl);
        decider[0] = brokerWhoseCrashComes(payload, index -> index == 0);
        FunctionRuntime runtime = runtime(isolation, decider[0]);

        InvocationResult result = runtime.invoke(payload, Trigger.SYNC);

        assertThat(result).isInstanceOfSatisfying(InvocationResult.FunctionError.class, error -> {
            assertThat(error.errorType()).isEqualTo("Runtime.ExitError");
            assertThat(error.errorMessage())
                    .contains("--crash-inside-rate")
                    .contains("just after its call 0 (sqs SendMessage) took effect");
        });
        // The container's child thread goes on sending: the proxy refuses both of its later calls.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> proxy.refused() == 2);
        assertThat(proxy.forwarded()).isEqualTo(1);
        assertThat(proxy.crashes()).isEqualTo(1);
        assertThat(sqs.receiveAll(queueUrl)).extracting(Message::body).containsExactly("call-0");
        assertThat(decider[0].counts().crashesInside()).isEqualTo(1);
        assertThat(decider[0].counts().refusedCalls()).isEqualTo(2);
        assertThat(decider[0].counts().unattributedCalls()).isZero();
        // The container was discarded: the next invocation starts a new one.
        runtime.invoke(tracePayload(isolation), Trigger.SYNC);
        assertThat(runtime.coldStarts()).isEqualTo(2);
    }

    @Test
    void theSameSeedMakesTheSameFaultsInTwoRunsWhoseInvocationsInterleaveDifferently() throws Exception {
        String queueUrl = sqs.createQueue("replay-" + System.nanoTime());
        // One proxy for both runs, so both send the very same payloads; each run asks a broker of its own.
        CallFaults[] decider = new CallFaults[1];
        SqsFaultProxy proxy = SqsFaultProxy.start(sqs.endpoint(), call -> decider[0].decide(call), 0, 1);
        opened.add(proxy);
        FaultPlan plan = FaultPlan.none()
                .withCalls(new FaultPlan.CallRates(0.3, 0.3, 0, 0))
                .withSeed(77);
        List<byte[]> payloads = IntStream.range(0, 24)
                .mapToObj(i ->
                        ("calls:4 " + proxy.endpoint() + " " + queueUrl + " #" + i).getBytes(StandardCharsets.UTF_8))
                .toList();

        FaultBroker first = new FaultBroker(plan);
        decider[0] = first;
        FunctionRuntime oneAfterAnother = runtime(Isolation.NONE, first, payloads.size());
        List<String> sequential = new ArrayList<>();
        for (byte[] payload : payloads) {
            sequential.add(outcome(oneAfterAnother.invoke(payload, Trigger.SYNC)));
        }
        // A crashed container's thread goes on sending: all four calls of every invocation reach the proxy.
        awaitCalls(proxy, payloads.size() * 4);

        FaultBroker second = new FaultBroker(plan);
        decider[0] = second;
        FunctionRuntime allAtOnce = runtime(Isolation.NONE, second, payloads.size());
        List<String> concurrent;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<String>> running = new ArrayList<>();
            for (byte[] payload : payloads.reversed()) {
                running.add(
                        CompletableFuture.supplyAsync(() -> outcome(allAtOnce.invoke(payload, Trigger.SYNC)), threads));
            }
            concurrent = running.stream().map(CompletableFuture::join).toList().reversed();
        }
        awaitCalls(proxy, payloads.size() * 4 * 2);

        assertThat(allAtOnce.peakConcurrency())
                .as("the second run's invocations overlapped")
                .isGreaterThan(1);
        assertThat(concurrent).isEqualTo(sequential);
        assertThat(second.counts()).isEqualTo(first.counts());
        assertThat(sequential)
                .as("the schedule has crashes, lost answers and clean invocations")
                .anySatisfy(outcome -> assertThat(outcome).startsWith("Runtime.ExitError"))
                .anySatisfy(outcome -> assertThat(outcome).contains("\"failed\":1"))
                .anySatisfy(outcome -> assertThat(outcome).contains("\"failed\":0"));
    }

    /** An invocation's outcome without its random parts: the error and its message, or the answer. */
    private static String outcome(InvocationResult result) {
        return result instanceof InvocationResult.FunctionError error
                ? error.errorType() + ": " + error.errorMessage()
                : new String(result.payload(), StandardCharsets.UTF_8);
    }

    /** Waits until {@code count} calls reached the proxy, forwarded or refused. */
    private static void awaitCalls(SqsFaultProxy proxy, long count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> proxy.forwarded() + proxy.refused() == count);
    }

    @ParameterizedTest
    @EnumSource(
            value = Isolation.class,
            names = {"NONE", "PROCESS"})
    void anInvocationChosenToDieAfterMoreCallsThanItMadeDiesAfterItsLastOneBeforeAnswering(Isolation isolation)
            throws Exception {
        String queueUrl = sqs.createQueue("late-crash-" + isolation.option() + "-" + System.nanoTime());
        FaultBroker[] decider = new FaultBroker[1];
        SqsFaultProxy proxy = SqsFaultProxy.start(sqs.endpoint(), call -> decider[0].decide(call), 0, 1);
        opened.add(proxy);
        byte[] payload = callsPayload(isolation, 1, proxy, queueUrl);
        decider[0] = brokerWhoseCrashComes(payload, index -> index >= 1);
        FunctionRuntime runtime = runtime(isolation, decider[0]);

        InvocationResult result = runtime.invoke(payload, Trigger.SYNC);

        assertThat(result).isInstanceOfSatisfying(InvocationResult.FunctionError.class, error -> {
            assertThat(error.errorType()).isEqualTo("Runtime.ExitError");
            assertThat(error.errorMessage()).contains("after its last call, before answering");
        });
        assertThat(finished)
                .singleElement()
                .satisfies(done -> assertThat(done.lostAnswer())
                        .as("the work it had done, lost with its answer")
                        .isPresent());
        assertThat(sqs.receiveAll(queueUrl)).extracting(Message::body).containsExactly("call-0");
        assertThat(proxy.refused()).isZero();
    }
}
