package dev.loadsplitter.local.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.local.testfunction.FunctionJars;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container model: a test function packed into its own jar and run as Lambda would run it. */
class FunctionRuntimeIT {

    private static final String PROBE = "dev.loadsplitter.local.testfunction.ProbeHandler::handleRequest";
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:probe";

    @TempDir
    static Path dir;

    private static Path jar;

    private final ConcurrentLinkedQueue<InvocationListener.Started> started = new ConcurrentLinkedQueue<>();
    private final List<FunctionRuntime> runtimes = new ArrayList<>();

    @BeforeAll
    static void packJar() {
        jar = FunctionJars.probeJar(dir);
    }

    @AfterEach
    void close() {
        runtimes.forEach(FunctionRuntime::close);
    }

    private FunctionRuntime runtime(String handler, Duration timeout, int reserved, Map<String, String> environment) {
        FunctionDefinition definition = new FunctionDefinition("probe", handler, jar, 512, timeout, environment);
        FunctionRuntime runtime = FunctionRuntime.builder(definition)
                .arn(ARN)
                .reservedConcurrency(reserved)
                .clock(Clock.systemUTC())
                .functionLog((requestId, at, message) -> System.out.println(requestId + " " + message))
                .listener(new InvocationListener() {
                    @Override
                    public void started(Started s) {
                        started.add(s);
                    }
                })
                .build();
        runtimes.add(runtime);
        return runtime;
    }

    private static String text(InvocationResult result) {
        return new String(result.payload(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anIdleContainerIsReusedSoOnlyTheFirstInvocationIsAColdStart() {
        FunctionRuntime runtime = runtime(PROBE, Duration.ofSeconds(5), 10, Map.of());

        String first = text(runtime.invoke(bytes("whoami"), Trigger.SYNC));
        String second = text(runtime.invoke(bytes("whoami"), Trigger.SYNC));
        String third = text(runtime.invoke(bytes("whoami"), Trigger.SYNC));

        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(runtime.coldStarts()).isEqualTo(1);
        assertThat(started).extracting(InvocationListener.Started::coldStart).containsExactly(true, false, false);
    }

    @Test
    void theFunctionsClassesComeFromItsJarNotFromTheRuntime() {
        FunctionRuntime runtime = runtime(PROBE, Duration.ofSeconds(5), 10, Map.of());

        assertThat(text(runtime.invoke(bytes("whoami"), Trigger.SYNC)))
                .contains("\"loader\":\"function:probe-function.jar\"");
    }

    @Test
    void concurrentInvocationsEachGetTheirOwnContainerAndRunInParallel(@TempDir Path meeting) {
        FunctionRuntime runtime = runtime(PROBE, Duration.ofSeconds(15), 10, Map.of());
        runtime.invoke(bytes("whoami"), Trigger.SYNC);

        // Each waits in the function until all four have arrived: they can only all meet if they run at once.
        List<CompletableFuture<InvocationResult>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(CompletableFuture.supplyAsync(
                    () -> runtime.invoke(bytes("meet:4:" + meeting), Trigger.SYNC),
                    command -> Thread.ofVirtual().start(command)));
        }
        List<String> answers = calls.stream()
                .map(CompletableFuture::join)
                .map(FunctionRuntimeIT::text)
                .toList();

        assertThat(answers).allSatisfy(answer -> assertThat(answer).contains("\"met\":true"));
        assertThat(answers).doesNotHaveDuplicates();
        assertThat(runtime.peakConcurrency()).isEqualTo(4);
        assertThat(runtime.coldStarts()).isEqualTo(4);
    }

    @Test
    void anInvocationBeyondTheReservedConcurrencyIsThrottled(@TempDir Path gate) throws Exception {
        FunctionRuntime runtime = runtime(PROBE, Duration.ofSeconds(30), 1, Map.of());
        Thread busy = Thread.ofVirtual().start(() -> runtime.invoke(bytes("block:" + gate), Trigger.SYNC));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runtime.busy() == 1);

        InvocationResult throttled = runtime.invoke(bytes("whoami"), Trigger.SYNC);
        Files.createFile(gate.resolve("release"));

        assertThat(throttled).isEqualTo(new InvocationResult.Throttled(1));
        assertThat(text(throttled)).contains("\"errorType\":\"TooManyRequestsException\"");
        busy.join();
        assertThat(runtime.invoke(bytes("whoami"), Trigger.SYNC)).isInstanceOf(InvocationResult.Success.class);
    }

    @Test
    void aContainerIsNoLongerBusyWhenSomethingAroundItsInvocationThrows() {
        FunctionDefinition definition =
                new FunctionDefinition("probe", PROBE, jar, 512, Duration.ofSeconds(5), Map.of());
        FunctionRuntime runtime = FunctionRuntime.builder(definition)
                .arn(ARN)
                .reservedConcurrency(1)
                .clock(Clock.systemUTC())
                .functionLog(FunctionLog.none())
                .listener(new InvocationListener() {
                    @Override
                    public void started(Started s) {
                        throw new IllegalStateException("a listener broke");
                    }
                })
                .build();
        runtimes.add(runtime);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.invoke(bytes("whoami"), Trigger.SYNC))
                .hasMessage("a listener broke");

        assertThat(runtime.busy()).isZero();
        // Its permit came back too: with a reserved concurrency of 1, the next one is not throttled.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.invoke(bytes("whoami"), Trigger.SYNC))
                .hasMessage("a listener broke");
        assertThat(runtime.busy()).isZero();
    }

    @Test
    void anInvocationPastTheTimeoutFailsLikeLambdaAndItsContainerIsReplaced(@TempDir Path gate) throws Exception {
        FunctionRuntime runtime = runtime(PROBE, Duration.ofMillis(200), 10, Map.of());
        runtime.invoke(bytes("whoami"), Trigger.SYNC);

        // The handler cannot finish before the test releases it, so an answer now is the timeout's.
        InvocationResult result = runtime.invoke(bytes("block:" + gate), Trigger.SYNC);
        Files.createFile(gate.resolve("release"));

        assertThat(result).isEqualTo(new InvocationResult.TimedOut(Duration.ofMillis(200)));
        assertThat(text(result))
                .isEqualTo(
                        "{\"errorMessage\":\"Task timed out after 0.20 seconds\",\"errorType\":\"Sandbox.Timedout\"}");
        runtime.invoke(bytes("whoami"), Trigger.SYNC);
        assertThat(runtime.coldStarts())
                .as("the timed-out container is not reused")
                .isEqualTo(2);
    }

    @Test
    void aThrownExceptionIsAFunctionErrorAndTheContainerLivesOn() {
        FunctionRuntime runtime = runtime(PROBE, Duration.ofSeconds(5), 10, Map.of());

        InvocationResult result = runtime.invoke(bytes("fail:bad tag"), Trigger.SYNC);
        runtime.invoke(bytes("whoami"), Trigger.SYNC);

        assertThat(result).isInstanceOfSatisfying(InvocationResult.FunctionError.class, error -> {
            assertThat(error.errorType()).isEqualTo("java.lang.IllegalStateException");
            assertThat(error.errorMessage()).isEqualTo("bad tag");
        });
        assertThat(runtime.coldStarts()).isEqualTo(1);
    }

    @Test
    void theEnvironmentIsHandedToTheFunctionWithoutTouchingTheJvms() {
        FunctionRuntime runtime = runtime(PROBE, Duration.ofSeconds(5), 10, Map.of("LOCAL_ONLY_GREETING", "hello"));

        assertThat(text(runtime.invoke(bytes("env:LOCAL_ONLY_GREETING"), Trigger.SYNC)))
                .isEqualTo("{\"value\":\"hello\"}");
        assertThat(System.getenv("LOCAL_ONLY_GREETING")).isNull();
    }

    @Test
    void theContextIsHonest() {
        FunctionRuntime runtime = runtime(PROBE, Duration.ofSeconds(3), 10, Map.of());

        String context = text(runtime.invoke(bytes("context"), Trigger.SYNC));

        assertThat(context)
                .contains("\"requestId\":\"" + started.peek().requestId() + "\"")
                .contains("\"function\":\"probe\"")
                .contains("\"memory\":512")
                .contains("\"arn\":\"" + ARN + "\"");
        int remaining = Integer.parseInt(context.replaceAll(".*\"remaining\":(\\d+).*", "$1"));
        assertThat(remaining).isBetween(2_000, 3_000);
    }

    @Test
    void aFailedInitialisationIsReportedAndNotKept() {
        FunctionRuntime runtime =
                runtime("dev.loadsplitter.local.testfunction.BrokenHandler", Duration.ofSeconds(5), 10, Map.of());

        InvocationResult result = runtime.invoke(bytes("whoami"), Trigger.SYNC);

        assertThat(result).isInstanceOf(InvocationResult.FunctionError.class);
        InvocationResult.FunctionError error = (InvocationResult.FunctionError) result;
        // A handler without a Map constructor runs in a JVM of its own, where Lambda's runtime reports the cause.
        assertThat(runtime.isolation()).isEqualTo(Isolation.PROCESS);
        assertThat(error.initFailed()).isTrue();
        assertThat(error.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.errorMessage()).isEqualTo("missing configuration FOO");
        assertThat(runtime.coldStarts()).isZero();
    }

    @Test
    void aHandlerClassWithoutAHandlerMethodIsNamedInTheError() {
        FunctionRuntime runtime =
                runtime("dev.loadsplitter.local.testfunction.FunctionJars", Duration.ofSeconds(5), 10, Map.of());

        InvocationResult.FunctionError error =
                (InvocationResult.FunctionError) runtime.invoke(bytes("whoami"), Trigger.SYNC);

        assertThat(error.initFailed()).isTrue();
        assertThat(error.errorMessage()).contains("dev.loadsplitter.local.testfunction.FunctionJars");
    }

    @Test
    void isolationNoneRefusesAHandlerThatWouldReadTheJvmsEnvironment() {
        FunctionDefinition definition = new FunctionDefinition(
                "probe",
                "dev.loadsplitter.local.testfunction.BrokenHandler",
                jar,
                512,
                Duration.ofSeconds(5),
                Map.of(),
                Isolation.NONE);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FunctionRuntime.builder(definition)
                        .arn(ARN)
                        .reservedConcurrency(1)
                        .clock(Clock.systemUTC())
                        .functionLog(FunctionLog.none())
                        .listener(InvocationListener.none())
                        .build())
                .hasMessageContaining("cannot run with --isolation none")
                .hasMessageContaining("Use --isolation process");
    }

    @Test
    void whatTheHandlerThrowsIsLoggedOnceWithItsStackAndReportedWithItsFramesAsLambdasRuntimeDoes() {
        ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        FunctionDefinition definition =
                new FunctionDefinition("probe", PROBE, jar, 512, Duration.ofSeconds(5), Map.of());
        FunctionRuntime runtime = FunctionRuntime.builder(definition)
                .arn(ARN)
                .reservedConcurrency(1)
                .clock(Clock.systemUTC())
                .functionLog((requestId, at, message) -> events.add(message))
                .listener(InvocationListener.none())
                .build();
        runtimes.add(runtime);
        assertThat(runtime.isolation()).isEqualTo(Isolation.NONE);

        InvocationResult result = runtime.invoke(bytes("fail:the work broke"), Trigger.SYNC);

        assertThat(result).isInstanceOfSatisfying(InvocationResult.FunctionError.class, error -> {
            assertThat(error.errorType()).isEqualTo("java.lang.IllegalStateException");
            assertThat(error.errorMessage()).isEqualTo("the work broke");
            assertThat(error.stackTrace())
                    .first()
                    .asString()
                    .startsWith("dev.loadsplitter.local.testfunction.ProbeHandler");
        });
        assertThat(events.stream().filter(event -> event.contains("java.lang.IllegalStateException: the work broke")))
                .singleElement()
                .asString()
                .startsWith("java.lang.IllegalStateException: the work broke")
                .contains("dev.loadsplitter.local.testfunction.ProbeHandler.command(ProbeHandler.java:");
    }

    @Test
    void aStreamHandlerWithAMapConstructorRunsInTheRuntimesJvm() {
        assertThat(runtime(PROBE, Duration.ofSeconds(5), 10, Map.of()).isolation())
                .isEqualTo(Isolation.NONE);
    }

    @Test
    void aMissingJarSaysHowToBuildIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FunctionDefinition(
                        "f", PROBE, dir.resolve("missing.jar"), 512, Duration.ofSeconds(1), Map.of()))
                .hasMessageContaining("does not exist. Build it with './mvnw -B -pl function -am package -DskipTests'");
    }
}
