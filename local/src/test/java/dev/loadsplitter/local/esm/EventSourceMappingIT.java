package dev.loadsplitter.local.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.testing.SteppingClock;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.testfunction.FunctionJars;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/** The event source mapping emulator against embedded ElasticMQ and a test function. */
class EventSourceMappingIT {

    private static final AtomicInteger QUEUES = new AtomicInteger();

    @AutoClose
    private static final EmbeddedSqs sqs = EmbeddedSqs.start();

    @TempDir
    static Path dir;

    private static Path jar;

    private final ConcurrentLinkedQueue<Integer> batchSizes = new ConcurrentLinkedQueue<>();
    private FunctionRuntime function;
    private EventSourceMapping mapping;
    private EmbeddedSqs.QueuePair queues;

    @BeforeAll
    static void start() {
        jar = FunctionJars.probeJar(dir);
    }

    @AfterEach
    void close() throws Exception {
        if (mapping != null) {
            mapping.close();
        }
        if (function != null) {
            function.close();
        }
    }

    private void start(EsmSettings settings, int maxReceiveCount, int reservedConcurrency) {
        start(settings, maxReceiveCount, reservedConcurrency, Clock.systemUTC(), Duration.ofSeconds(1));
    }

    private void start(
            EsmSettings settings,
            int maxReceiveCount,
            int reservedConcurrency,
            Clock clock,
            Duration visibilityTimeout) {
        queues = sqs.createQueues("esm-" + QUEUES.incrementAndGet(), maxReceiveCount, visibilityTimeout);
        FunctionDefinition definition = new FunctionDefinition(
                "probe",
                "dev.loadsplitter.local.testfunction.ProbeHandler",
                jar,
                512,
                Duration.ofSeconds(10),
                Map.of());
        function = FunctionRuntime.builder(definition)
                .arn("arn:aws:lambda:us-east-1:000000000000:function:probe")
                .reservedConcurrency(reservedConcurrency)
                .clock(Clock.systemUTC())
                .functionLog((requestId, at, message) -> System.out.println(requestId + " " + message))
                .listener(new InvocationListener() {
                    @Override
                    public void started(Started started) {
                        String payload = new String(started.payload(), StandardCharsets.UTF_8);
                        batchSizes.add(payload.split("\"messageId\"", -1).length - 1);
                    }
                })
                .build();
        mapping = EventSourceMapping.builder()
                .queue(sqs.client(), queues.url(), queues.arn(), EmbeddedSqs.REGION)
                .function(function)
                .settings(settings)
                .json(JsonMapper.builder().build())
                .trigger(Trigger.SQS)
                .clock(clock)
                .sleeper(Sleeper.system())
                .build();
    }

    private void send(String... bodies) {
        for (String body : bodies) {
            sqs.client().sendMessage(r -> r.queueUrl(queues.url()).messageBody(body));
        }
    }

    /** Until the queue is empty and no batch is in flight, three looks in a row. */
    private void awaitDrained() {
        AtomicInteger quiet = new AtomicInteger();
        Awaitility.await("the queue drained")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> (mapping.inFlight() == 0 && sqs.depth(queues.url()).total() == 0
                                ? quiet.incrementAndGet()
                                : quiet.getAndSet(0))
                        >= 3);
    }

    private List<String> deadLetterBodies() {
        return sqs.receiveAll(queues.dlqUrl()).stream().map(Message::body).toList();
    }

    @Test
    void withAwsScalingTheMappingOpensNoWiderThanItsRampAllows(@org.junit.jupiter.api.io.TempDir Path gate)
            throws Exception {
        // A ramp of 3 that never grows: ten blocked messages can only ever run three at once.
        EsmScaling ramp = new EsmScaling("test", 3, 0, 3);
        start(
                new EsmSettings(1, Duration.ZERO, 10, true, true, ramp),
                5,
                100,
                Clock.systemUTC(),
                Duration.ofSeconds(60));
        for (int i = 0; i < 10; i++) {
            send("block:" + gate);
        }

        mapping.start();
        Awaitility.await("three running").atMost(Duration.ofSeconds(30)).until(() -> function.busy() == 3);
        java.nio.file.Files.createFile(gate.resolve("release"));
        awaitDrained();

        assertThat(mapping.allowedConcurrency()).isEqualTo(3);
        assertThat(function.peakConcurrency()).isEqualTo(3);
        assertThat(function.invocations()).isEqualTo(10);
    }

    @Test
    void reportedFailuresStayAndEndInTheDeadLetterQueueWhileTheRestAreDeleted() throws Exception {
        start(new EsmSettings(10, Duration.ofMillis(500), 5, true, true), 2, 100);
        send("ok", "fail", "ok", "ok", "fail", "ok");

        mapping.start();
        awaitDrained();

        assertThat(deadLetterBodies()).containsExactly("fail", "fail");
        // SQS lets each failing record be received max-receive-count (2) times, however the batches fell: exact.
        assertThat(mapping.failedRecords()).isEqualTo(2 * 2);
        // A good record is delivered at least once; a stall past the 1 s visibility timeout may deliver it again,
        // so only the lower bound is certain.
        assertThat(mapping.deliveredRecords()).isGreaterThanOrEqualTo(4 + 2 * 2);
    }

    @Test
    void aFunctionErrorLeavesTheWholeBatchToComeBack() throws Exception {
        start(new EsmSettings(10, Duration.ofMillis(500), 2, true, true), 2, 100);
        send("crash", "ok");

        mapping.start();
        awaitDrained();

        assertThat(deadLetterBodies()).contains("crash");
        assertThat(mapping.deliveredRecords())
                .as("the good record came back with the crashing one")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aResponseNamingARecordOutsideTheBatchFailsTheWholeBatch() throws Exception {
        start(new EsmSettings(10, Duration.ofMillis(500), 2, true, true), 1, 100);
        send("bogus", "ok");

        mapping.start();
        awaitDrained();

        assertThat(deadLetterBodies()).containsExactlyInAnyOrder("bogus", "ok");
    }

    @Test
    void withoutReportBatchItemFailuresASuccessfulInvocationDeletesTheWholeBatch() throws Exception {
        // Nothing needs to come back here, so a long visibility timeout: with a max receive count of 1, a record
        // received again after a stall would go to the DLQ and look like the failure this test looks for.
        start(
                new EsmSettings(10, Duration.ofMillis(500), 2, false, true),
                1,
                100,
                Clock.systemUTC(),
                Duration.ofSeconds(60));
        send("fail", "ok");

        mapping.start();
        awaitDrained();

        assertThat(deadLetterBodies()).isEmpty();
        assertThat(mapping.deliveredRecords()).isEqualTo(2);
    }

    @Test
    void batchesHoldAtMostTheBatchSize() throws Exception {
        // The window closes only when the test moves this clock: until then a batch goes only when it is full.
        SteppingClock clock = new SteppingClock(Instant.parse("2026-11-26T12:00:00Z"));
        start(new EsmSettings(4, Duration.ofSeconds(20), 2, true, true), 5, 100, clock, Duration.ofMinutes(2));
        for (int i = 0; i < 10; i++) {
            send("ok");
        }

        mapping.start();
        // Ten records, two pollers each holding fewer than four at most: at least one batch fills.
        Awaitility.await("a full batch").atMost(Duration.ofSeconds(30)).until(() -> batchSizes.contains(4));
        assertThat(batchSizes).as("batches gone before the window closed").containsOnly(4);
        clock.advance(Duration.ofSeconds(20));
        awaitDrained();

        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 4));
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    }

    @Test
    void noMoreThanTheMaximumConcurrencyRunAtOnce(@org.junit.jupiter.api.io.TempDir Path gate) throws Exception {
        start(new EsmSettings(1, Duration.ZERO, 3, true, true), 5, 100, Clock.systemUTC(), Duration.ofSeconds(60));
        for (int i = 0; i < 12; i++) {
            send("block:" + gate);
        }

        mapping.start();
        // Every invocation blocks until released, so the mapping reaches its maximum and cannot go past it.
        Awaitility.await("three running").atMost(Duration.ofSeconds(30)).until(() -> function.busy() == 3);
        assertThat(function.peakConcurrency()).isEqualTo(3);
        java.nio.file.Files.createFile(gate.resolve("release"));
        awaitDrained();

        assertThat(function.peakConcurrency()).isEqualTo(3);
        assertThat(function.invocations()).isEqualTo(12);
    }

    @Test
    void aMappingAboveTheReservedConcurrencyIsThrottledAndItsRecordsWaitForTheVisibilityTimeout(
            @org.junit.jupiter.api.io.TempDir Path gate) throws Exception {
        start(new EsmSettings(1, Duration.ZERO, 4, true, true), 10, 2, Clock.systemUTC(), Duration.ofSeconds(2));
        for (int i = 0; i < 8; i++) {
            send("block:" + gate);
        }

        mapping.start();
        // Two invocations hold the function's whole reserved concurrency; the mapping's other two pollers are
        // throttled for as long as they block.
        Awaitility.await("two running, the rest throttled")
                .atMost(Duration.ofSeconds(30))
                .until(() -> function.busy() == 2 && mapping.throttledRecords() > 0);
        java.nio.file.Files.createFile(gate.resolve("release"));
        awaitDrained();

        assertThat(function.peakConcurrency()).isEqualTo(2);
        // Throttles are not invocations; a record blocked past the visibility timeout may run twice, so at least 8.
        assertThat(function.invocations()).isGreaterThanOrEqualTo(8);
        assertThat(deadLetterBodies()).isEmpty();
    }

    @Test
    void aDisabledMappingLeavesMessagesOnTheQueue() throws Exception {
        start(new EsmSettings(1, Duration.ZERO, 2, true, false), 5, 100);
        send("ok", "ok");

        mapping.start();

        // Lambda's Enabled = false: no poller runs, so nothing can receive; not a wait that happened to be short.
        assertThat(mapping.polling()).isFalse();
        assertThat(mapping.receives()).isZero();
        assertThat(function.invocations()).isZero();
        assertThat(sqs.depth(queues.url()).visible()).isEqualTo(2);
    }

    @Test
    void aBatchWaitsForItsBatchingWindowToCloseThenGoesWithEverythingGathered() throws Exception {
        SteppingClock clock = new SteppingClock(Instant.parse("2026-11-26T12:00:00Z"));
        // As AWS advises, the visibility timeout outlasts the window, so gathered records are not received twice.
        start(new EsmSettings(10, Duration.ofSeconds(20), 2, true, true), 5, 100, clock, Duration.ofMinutes(2));
        send("ok", "ok", "ok");

        mapping.start();
        // Receives keep coming back (long polls of at most a second) while the window, by this clock, stays open.
        long seen = mapping.receives();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> mapping.receives() >= seen + 6);
        assertThat(function.invocations())
                .as("invoked before the window closed")
                .isZero();

        clock.advance(Duration.ofSeconds(20));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> function.invocations() == 1);
        awaitDrained();
        assertThat(batchSizes).containsExactly(3);
    }

    @Test
    void settingsOutsideLambdasLimitsAreRefusedNamingTheLimit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EsmSettings(11, Duration.ZERO, 2, true, true))
                .hasMessage("a batch size above 10 needs a maximum batching window of at least 1 second, as Lambda "
                        + "requires; got batch size 11 and window 0 ms");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EsmSettings(1, Duration.ZERO, 1, true, true))
                .hasMessage("maximum concurrency must be from 2 to 1000, got 1");
    }
}
