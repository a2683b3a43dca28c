package dev.loadsplitter.local.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.testfunction.FunctionJars;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
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
        queues = sqs.createQueues("esm-" + QUEUES.incrementAndGet(), maxReceiveCount, Duration.ofSeconds(1));
        FunctionDefinition definition = new FunctionDefinition("probe",
                "dev.loadsplitter.local.testfunction.ProbeHandler", jar, 512, Duration.ofSeconds(10), Map.of());
        function = new FunctionRuntime(definition, "arn:aws:lambda:us-east-1:000000000000:function:probe",
                reservedConcurrency, Clock.systemUTC(), new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new InvocationListener() {
                    @Override
                    public void started(Started started) {
                        String payload = new String(started.payload(), StandardCharsets.UTF_8);
                        batchSizes.add(payload.split("\"messageId\"", -1).length - 1);
                    }
                });
        mapping = new EventSourceMapping(sqs.client(), queues.url(), queues.arn(), EmbeddedSqs.REGION, function,
                settings, JsonMapper.builder().build());
    }

    private void send(String... bodies) {
        for (String body : bodies) {
            sqs.client().sendMessage(r -> r.queueUrl(queues.url()).messageBody(body));
        }
    }

    private void awaitDrained() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            quiet = mapping.inFlight() == 0 && sqs.depth(queues.url()).total() == 0 ? quiet + 1 : 0;
            Thread.sleep(50);
        }
        assertThat(quiet).as("the queue drained in time").isEqualTo(3);
    }

    private List<String> deadLetterBodies() {
        return sqs.receiveAll(queues.dlqUrl()).stream().map(Message::body).toList();
    }

    @Test
    void reportedFailuresStayAndEndInTheDeadLetterQueueWhileTheRestAreDeleted() throws Exception {
        start(new EsmSettings(10, Duration.ofMillis(500), 5, true, true), 2, 100);
        send("ok", "fail", "ok", "ok", "fail", "ok");

        mapping.start();
        awaitDrained();

        assertThat(deadLetterBodies()).containsExactly("fail", "fail");
        assertThat(mapping.deliveredRecords()).isEqualTo(4 + 2 * 2);
        assertThat(mapping.failedRecords()).isEqualTo(4);
    }

    @Test
    void aFunctionErrorLeavesTheWholeBatchToComeBack() throws Exception {
        start(new EsmSettings(10, Duration.ofMillis(500), 2, true, true), 2, 100);
        send("crash", "ok");

        mapping.start();
        awaitDrained();

        assertThat(deadLetterBodies()).contains("crash");
        assertThat(mapping.deliveredRecords()).as("the good record came back with the crashing one")
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
        start(new EsmSettings(10, Duration.ofMillis(500), 2, false, true), 1, 100);
        send("fail", "ok");

        mapping.start();
        awaitDrained();

        assertThat(deadLetterBodies()).isEmpty();
        assertThat(mapping.deliveredRecords()).isEqualTo(2);
    }

    @Test
    void batchesHoldAtMostTheBatchSize() throws Exception {
        start(new EsmSettings(4, Duration.ofMillis(300), 2, true, true), 5, 100);
        for (int i = 0; i < 10; i++) {
            send("ok");
        }

        mapping.start();
        awaitDrained();

        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 4));
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(batchSizes).contains(4);
    }

    @Test
    void noMoreThanTheMaximumConcurrencyRunAtOnce() throws Exception {
        start(new EsmSettings(1, Duration.ZERO, 3, true, true), 5, 100);
        for (int i = 0; i < 12; i++) {
            send("sleep:200");
        }

        mapping.start();
        awaitDrained();

        assertThat(function.peakConcurrency()).isEqualTo(3);
        assertThat(function.invocations()).isEqualTo(12);
    }

    @Test
    void aMappingAboveTheReservedConcurrencyIsThrottledAndItsRecordsWaitForTheVisibilityTimeout() throws Exception {
        start(new EsmSettings(1, Duration.ZERO, 4, true, true), 10, 2);
        for (int i = 0; i < 8; i++) {
            send("sleep:300");
        }

        mapping.start();
        awaitDrained();

        assertThat(mapping.throttledRecords()).isPositive();
        assertThat(function.peakConcurrency()).isEqualTo(2);
        assertThat(function.invocations()).isEqualTo(8);
        assertThat(deadLetterBodies()).isEmpty();
    }

    @Test
    void aDisabledMappingLeavesMessagesOnTheQueue() throws Exception {
        start(new EsmSettings(1, Duration.ZERO, 2, true, false), 5, 100);
        send("ok", "ok");

        mapping.start();
        Thread.sleep(1_500);

        assertThat(function.invocations()).isZero();
        assertThat(sqs.depth(queues.url()).visible()).isEqualTo(2);
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
