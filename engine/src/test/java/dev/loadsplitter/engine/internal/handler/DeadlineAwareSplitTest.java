package dev.loadsplitter.engine.internal.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.queue.SendReport;
import dev.loadsplitter.engine.internal.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.WorkContext;
import dev.loadsplitter.engine.testing.OrderTaskType;
import dev.loadsplitter.engine.testing.SteppingClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A split or a processing that would not fit its invocation's time queues the rest instead of
 * timing out, and the rest is split into exactly the parts the whole split would have made. Time
 * is a clock the fakes move: queuing a part takes 10 ms, processing a line 1 s.
 */
class DeadlineAwareSplitTest {

    private final ObjectMapper json = EventJson.create();
    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final List<SubTask> queued = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final OrderTaskType slowLines = new OrderTaskType() {
        @Override
        public void process(JsonItemList task, WorkContext context) {
            clock.advance(Duration.ofSeconds(task.size()));
            super.process(task, context);
        }
    };

    @AfterEach
    void close() {
        executor.close();
    }

    private EventRouter<?> router(OrderTaskType type, int maxItemsPerTask) {
        return router(type, new SplitPolicy(maxItemsPerTask, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8));
    }

    private EventRouter<?> router(OrderTaskType type, SplitPolicy policy) {
        return new EventRouter<>(new EngineParts<>(
                type,
                json,
                new Splitter(policy, json),
                (subTasks, context) -> {
                    clock.advance(Duration.ofMillis(10L * subTasks.size()));
                    queued.addAll(subTasks);
                    return new SendReport(subTasks.size(), 1, 0, Duration.ZERO);
                },
                new Ledger(
                        new MemoryLedgerTable(clock),
                        clock,
                        LedgerSettings.of(Duration.ofHours(1), Duration.ofHours(1), LedgerTolerance.none()),
                        duration -> {}),
                clock,
                executor,
                10,
                () -> {}));
    }

    private JsonNode invoke(EventRouter<?> router, String payload, Duration timeLeft) throws Exception {
        return json.readTree(router.handle(
                payload.getBytes(StandardCharsets.UTF_8), new Invocation("req-1", timeLeft, clock.instant())));
    }

    /** The SQS event that delivers {@code subTask}, with its attributes as the sender writes them. */
    private String delivery(SubTask subTask) throws Exception {
        ObjectNode event = json.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("messageId", "m-" + subTask.lineage().partId())
                .put("body", subTask.body())
                .put("eventSource", "aws:sqs");
        record.putObject("attributes").put("ApproximateReceiveCount", "1");
        ObjectNode attributes = record.putObject("messageAttributes");
        SqsSubTaskSender.attributesOf(subTask)
                .forEach((name, value) -> attributes
                        .putObject(name)
                        .put("stringValue", value.stringValue())
                        .put("dataType", value.dataType()));
        return json.writeValueAsString(event);
    }

    @Test
    void aSplitShortOfTimeQueuesTheRestWhichMakesTheVerySamePartsAsAWholeSplit() throws Exception {
        EventRouter<?> router = router(new OrderTaskType(), 1);
        String order = OrderTaskType.orderJson("o-1", 300);

        // 1 s left, 800 ms before the margin, 100 ms of it kept for queuing the rest: chunks of 10,
        // 20, 20 and 10 parts (at 10 ms each) each fit in half the time to spare; then 5 would.
        JsonNode answer = invoke(router, order, Duration.ofSeconds(1));

        assertThat(json.writeValueAsString(answer))
                .isEqualTo(
                        "{\"statusCode\":202,\"count\":300,\"body\":\"split '300' lines into '61' queued messages\"}");
        assertThat(queued).hasSize(61);
        SubTask rest = queued.getLast();
        assertThat(rest.lineage().partId()).isEqualTo("~61");
        assertThat(rest.itemCount()).isEqualTo(240);
        assertThat(rest.continuation()).contains(new SubTask.Continuation(61, 1));

        // Its consumer, with time to spare, queues parts 61 to 300.
        queued.clear();
        JsonNode consumed = invoke(router, delivery(rest), Duration.ofSeconds(60));
        assertThat(consumed.get("batchItemFailures")).isEmpty();

        List<SubTask> whole = new Splitter(new SplitPolicy(1, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8), json)
                .split(
                        new OrderTaskType(),
                        (JsonItemList) ((dev.loadsplitter.engine.task.Reading.Accepted<?>)
                                        new OrderTaskType().read(json.readTree(order)))
                                .task(),
                        Lineage.root(queued.getFirst().lineage().jobId()));
        assertThat(queued).hasSize(240);
        assertThat(queued)
                .extracting(s -> s.lineage().partId() + " " + s.body() + " " + s.partCount())
                .containsExactlyElementsOf(whole.subList(60, 300).stream()
                        .map(s -> s.lineage().partId() + " " + s.body() + " " + s.partCount())
                        .toList());
    }

    @Test
    void aSplitShortOfTimeQueuesNoRestWhenTheLevelsBelowItWouldThenPassTheHopLimit() throws Exception {
        // 3,000 lines, fan-out 100: 30 parts of 100 lines, each split into 100 more: leaves 2 hops down, the limit.
        // A rest would be one hop more for all of them, so the split goes on one batch at a time instead.
        EventRouter<?> router =
                router(new OrderTaskType(), new SplitPolicy(1, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 2, 100));

        JsonNode answer = invoke(router, OrderTaskType.orderJson("o-4", 3_000), Duration.ofSeconds(1));

        assertThat(answer.path("statusCode").asInt()).isEqualTo(202);
        assertThat(queued).hasSize(30).allSatisfy(part -> {
            assertThat(part.lineage().isContinuation()).isFalse();
            assertThat(part.itemCount()).isEqualTo(100);
        });
    }

    @Test
    void chunksGrowFromOneBatchCallAndShrinkAtOnceWhenSendingSlowsDown() {
        // Plenty of time: 10, 20, 40, 80, then at most 100 parts between looks at the clock.
        assertThat(TaskRunner.nextChunk(10, Duration.ofMillis(2), Duration.ofSeconds(60)))
                .isEqualTo(20);
        assertThat(TaskRunner.nextChunk(80, Duration.ofMillis(2), Duration.ofSeconds(60)))
                .isEqualTo(100);
        // 600 ms to spare at 2 ms a part: 150 fit in half of it, so a full chunk.
        assertThat(TaskRunner.nextChunk(100, Duration.ofMillis(2), Duration.ofMillis(600)))
                .isEqualTo(100);
        // The same 600 ms when the last chunk went at 5 ms a part: 60.
        assertThat(TaskRunner.nextChunk(100, Duration.ofMillis(5), Duration.ofMillis(600)))
                .isEqualTo(60);
        // No time to spare, or less than none, gives no chunk; a chunk that measured no time is not a division by zero.
        assertThat(TaskRunner.nextChunk(100, Duration.ofMillis(5), Duration.ZERO))
                .isZero();
        assertThat(TaskRunner.nextChunk(100, Duration.ofMillis(5), Duration.ofMillis(-50)))
                .isZero();
        assertThat(TaskRunner.nextChunk(10, Duration.ZERO, Duration.ofSeconds(1)))
                .isEqualTo(20);
    }

    @Test
    void aTaskWhoseItemsWouldNotAllFitProcessesWhatFitsAndQueuesTheRest() throws Exception {
        EventRouter<?> router = router(slowLines, 5);

        // Five lines of 1 s each with 3.5 s left (3.15 s before the margin): three are done, two queued.
        JsonNode answer = invoke(router, OrderTaskType.orderJson("o-2", 5), Duration.ofMillis(3_500));

        assertThat(slowLines.processed()).containsExactly("sku-1", "sku-2", "sku-3");
        assertThat(json.writeValueAsString(answer))
                .isEqualTo("{\"statusCode\":202,\"count\":5,\"body\":\"split '5' lines into '1' queued messages\"}");
        assertThat(queued).singleElement().satisfies(again -> {
            assertThat(again.lineage().partId())
                    .as("the task sent again, whatever it reached: the same id from any attempt")
                    .isEqualTo("@1");
            assertThat(again.lineage().hops()).isEqualTo(1);
            assertThat(again.lineage().firstItem()).isZero();
            assertThat(again.itemCount()).isEqualTo(5);
            assertThat(json.readTree(again.body()).path("order").path("lines"))
                    .extracting(n -> n.get("sku").asText())
                    .containsExactly("sku-1", "sku-2", "sku-3", "sku-4", "sku-5");
        });

        // Delivered, it does only the items the ledger has not marked.
        invoke(router, delivery(queued.getFirst()), Duration.ofSeconds(60));
        assertThat(slowLines.processed()).containsExactly("sku-1", "sku-2", "sku-3", "sku-4", "sku-5");
    }

    @Test
    void aTaskThatFitsIsProcessedInTwoCallsAndQueuesNothing() throws Exception {
        EventRouter<?> router = router(slowLines, 5);

        invoke(router, OrderTaskType.orderJson("o-3", 5), Duration.ofSeconds(60));

        assertThat(slowLines.processed()).hasSize(5);
        assertThat(queued).isEmpty();
    }
}
