package dev.loadsplitter.engine.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.testing.CapturedOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchProcessorTest {

    private static final Invocation INVOCATION = new Invocation("req-1");

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() {
        executor.close();
    }

    private static List<SqsRecord> records(int n) {
        List<SqsRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(new SqsRecord("m" + i, Optional.of("body" + i), Map.of(), 1));
        }
        return records;
    }

    @Test
    void aFailingRecordFailsAloneAndOutcomesKeepBatchOrder() throws Exception {
        RecordHandler handler = (record, invocation) -> {
            if (record.messageId().equals("m3") || record.messageId().equals("m7")) {
                throw new IllegalStateException("bad " + record.messageId());
            }
            return "ok";
        };
        BatchProcessor processor = new BatchProcessor(executor, 4);

        List<RecordOutcome> outcomes = processor.process(records(10), INVOCATION, handler);

        assertThat(outcomes)
                .extracting(RecordOutcome::messageId)
                .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(outcomes)
                .filteredOn(RecordOutcome.Failed.class::isInstance)
                .extracting(RecordOutcome::messageId)
                .containsExactly("m3", "m7");
        assertThat(outcomes.get(3)).isEqualTo(new RecordOutcome.Failed("m3", "bad m3"));
    }

    @Test
    void recordsRunConcurrentlyUpToTheBound() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch fourStarted = new CountDownLatch(4);
        RecordHandler handler = (record, invocation) -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            fourStarted.countDown();
            // Hold until four records run at once, proving they overlap; bounded so a bug cannot hang.
            fourStarted.await(5, TimeUnit.SECONDS);
            running.decrementAndGet();
            return "ok";
        };
        BatchProcessor processor = new BatchProcessor(executor, 4);

        List<RecordOutcome> outcomes = processor.process(records(10), INVOCATION, handler);

        assertThat(outcomes).allMatch(RecordOutcome.Succeeded.class::isInstance);
        assertThat(peak.get()).isEqualTo(4);
    }

    @Test
    void anErrorThrownByARecordIsStillThatRecordsFailure() throws Exception {
        RecordHandler handler = (record, invocation) -> {
            if (record.messageId().equals("m1")) {
                throw new AssertionError("boom");
            }
            return "ok";
        };
        BatchProcessor processor = new BatchProcessor(executor, 2);

        List<RecordOutcome> outcomes = processor.process(records(3), INVOCATION, handler);

        assertThat(outcomes)
                .filteredOn(RecordOutcome.Failed.class::isInstance)
                .extracting(RecordOutcome::messageId)
                .containsExactly("m1");
    }

    /** A task type's failure, thrown at one place whatever its message says. */
    private static Exception userFailure(String message) {
        return new java.io.IOException(message);
    }

    @Test
    void aFailureRepeatedAcrossTheBatchIsLoggedOnceWithItsStackAndCounted() throws Exception {
        RecordHandler handler = (record, invocation) -> {
            throw new IllegalStateException("work failed", userFailure(record.messageId() + " could not be reached"));
        };
        BatchProcessor processor = new BatchProcessor(executor, 4);

        String log;
        List<RecordOutcome> outcomes;
        try (CapturedOutput output = CapturedOutput.start()) {
            outcomes = processor.process(records(8), INVOCATION, handler);
            log = output.text();
        }

        assertThat(outcomes).allMatch(RecordOutcome.Failed.class::isInstance);
        assertThat(log.lines().filter(line -> line.contains("failed, left on the queue for redelivery")))
                .singleElement()
                .asString()
                .contains("work failed");
        assertThat(log.lines().filter(line -> line.startsWith("Caused by: java.io.IOException")))
                .as("the cause and its stack, once")
                .hasSize(1);
        assertThat(log.lines().filter(line -> line.contains("userFailure")))
                .as("the frame the cause was thrown at, once")
                .hasSize(1);
        assertThat(log)
                .contains("requestId=req-1: …and 7 more like it (java.lang.IllegalStateException: work failed), not "
                        + "logged again: messageId=m");
    }

    @Test
    void failuresOfDifferentKindsAreEachLoggedWithTheirStack() throws Exception {
        RecordHandler handler = (record, invocation) -> {
            if (record.messageId().equals("m1")) {
                throw new IllegalArgumentException("another kind");
            }
            throw new IllegalStateException("one kind");
        };
        BatchProcessor processor = new BatchProcessor(executor, 1);

        String log;
        try (CapturedOutput output = CapturedOutput.start()) {
            processor.process(records(3), INVOCATION, handler);
            log = output.text();
        }

        assertThat(log.lines().filter(line -> line.startsWith("java.lang.IllegalArgumentException: another kind")))
                .hasSize(1);
        assertThat(log.lines().filter(line -> line.startsWith("java.lang.IllegalStateException: one kind")))
                .hasSize(1);
        assertThat(log).contains("…and 1 more like it (java.lang.IllegalStateException: one kind)");
        assertThat(log).doesNotContain("more like it (java.lang.IllegalArgumentException");
    }
}
