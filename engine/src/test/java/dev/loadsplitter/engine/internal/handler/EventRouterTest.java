package dev.loadsplitter.engine.internal.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.queue.SendReport;
import dev.loadsplitter.engine.internal.queue.SubTaskSendException;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.testing.CapturedOutput;
import dev.loadsplitter.engine.testing.OrderTaskType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's routing and record handling with a task type that is not CreateTags and a sender that keeps what it is given. */
class EventRouterTest {

    private final ObjectMapper json = EventJson.create();
    private final OrderTaskType type = new OrderTaskType();
    private final List<SubTask> queued = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final EventRouter<?> handler = handler(SplitPolicy.defaultPolicy(), (subTasks, context) -> {
        queued.addAll(subTasks);
        return new SendReport(subTasks.size(), 1, 0, Duration.ZERO);
    });

    private EventRouter<?> handler(SplitPolicy policy, dev.loadsplitter.engine.internal.queue.SubTaskSender sender) {
        return new EventRouter<>(new EngineParts<>(
                type,
                json,
                new Splitter(policy, json),
                sender,
                JobLedger.none(),
                Clock.systemUTC(),
                executor,
                10,
                () -> {}));
    }

    @AfterEach
    void close() {
        executor.close();
    }

    private JsonNode invoke(EventRouter<?> target, String payload) throws Exception {
        return json.readTree(target.handle(payload.getBytes(StandardCharsets.UTF_8), new Invocation("req-1")));
    }

    @Test
    void aSmallTaskIsProcessedDirectly() throws Exception {
        JsonNode response = invoke(handler, OrderTaskType.orderJson("o-1", 1));

        assertThat(json.writeValueAsString(response))
                .isEqualTo("{\"statusCode\":200,\"count\":1,\"body\":\"handled 1 line\"}");
        assertThat(type.processed()).containsExactly("sku-1");
        assertThat(queued).isEmpty();
    }

    @Test
    void aLargeTaskIsSplitAndNothingIsProcessedInPlace() throws Exception {
        JsonNode response = invoke(handler, OrderTaskType.orderJson("o-1", 4));

        assertThat(json.writeValueAsString(response))
                .isEqualTo("{\"statusCode\":202,\"count\":4,\"body\":\"split '4' lines into '4' queued messages\"}");
        assertThat(queued).hasSize(4);
        assertThat(type.processed()).isEmpty();
    }

    @Test
    void anIgnoredEventAnswersWithTheSampleContract() throws Exception {
        JsonNode response = invoke(handler, "{\"type\":\"refund\",\"order\":{\"lines\":[]}}");

        assertThat(json.writeValueAsString(response))
                .isEqualTo("{\"statusCode\":202,\"count\":0,\"body\":\"event was ignored, not a type of interest\"}");
    }

    @Test
    void anInvalidEventAnswers400AndLogsTheField() throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            JsonNode response = invoke(handler, "{\"order\":{\"lines\":\"none\"}}");

            assertThat(json.writeValueAsString(response))
                    .isEqualTo("{\"statusCode\":400,\"count\":0,\"body\":\"invalid event argument\"}");
            assertThat(output.text())
                    .contains("requestId=req-1: invalid event argument: order.lines must be an array, got a string");
        }
    }

    @Test
    void aPayloadThatIsNotJsonAnswers400AndSaysSo() throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            JsonNode response = invoke(handler, "this is not json");

            assertThat(response.get("statusCode").asInt()).isEqualTo(400);
            assertThat(output.text())
                    .contains("requestId=req-1: invalid event argument: the payload is not valid JSON");
        }
    }

    @Test
    void aDirectTaskWhoseSendFailsFailsTheInvocationLoudly() {
        EventRouter<?> failing = handler(SplitPolicy.defaultPolicy(), (subTasks, context) -> {
            throw new SubTaskSendException("http://q", 3, 1, 5, "InternalError: try again");
        });

        assertThatThrownBy(() -> invoke(failing, OrderTaskType.orderJson("o-1", 4)))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageStartingWith("requestId=req-1, job=sha256-")
                .hasMessageContaining("Queued 3 of 4 sub-tasks to http://q; 1 failed after 5 attempts");
    }

    @Test
    void everyRecordOfABatchIsHandledAndOnlyTheBadOnesAreReported() throws Exception {
        ObjectNode event = json.createObjectNode();
        ArrayNode records = event.putArray("Records");
        addRecord(records, "good-1", OrderTaskType.orderJson("o-1", 1));
        addRecord(records, "not-json", "{\"order\":");
        addRecord(records, "good-2", OrderTaskType.orderJson("o-2", 1));
        addRecord(records, "invalid", "{\"order\":{}}");
        records.addObject().put("messageId", "no-body").put("eventSource", "aws:sqs");
        addRecord(records, "fails", "{\"order\":{\"lines\":[{\"sku\":\"x\",\"fail\":true}]}}");
        addRecord(records, "large", OrderTaskType.orderJson("o-3", 3));

        try (CapturedOutput output = CapturedOutput.start()) {
            JsonNode response = invoke(handler, json.writeValueAsString(event));

            assertThat(response.get("batchItemFailures"))
                    .extracting(n -> n.get("itemIdentifier").asText())
                    .containsExactly("not-json", "invalid", "no-body", "fails");
            assertThat(output.text())
                    .contains(
                            "messageId=not-json: failed, left on the queue for redelivery (receive count 1): the body is not valid JSON")
                    .contains(
                            "messageId=invalid: failed, left on the queue for redelivery (receive count 1): the body is not a valid "
                                    + "Order task: order.lines is missing")
                    .contains(
                            "messageId=no-body: failed, left on the queue for redelivery (receive count 0): the record has no body")
                    .contains(
                            "messageId=fails: failed, left on the queue for redelivery (receive count 1): line x cannot be fulfilled");
        }
        assertThat(type.processed()).containsExactlyInAnyOrder("sku-1", "sku-1");
        assertThat(queued).hasSize(3);
    }

    @Test
    void aLargeRecordIsSplitAgainOneLevelDeeperUnderItsJob() throws Exception {
        ObjectNode event = json.createObjectNode();
        ObjectNode record = addRecord(event.putArray("Records"), "m-1", OrderTaskType.orderJson("o-1", 2));
        ObjectNode attributes = record.putObject("messageAttributes");
        attributes.putObject("jobId").put("stringValue", "job-7").put("dataType", "String");
        attributes.putObject("partId").put("stringValue", "3").put("dataType", "String");
        attributes.putObject("splitDepth").put("stringValue", "1").put("dataType", "Number");
        attributes.putObject("firstItem").put("stringValue", "4").put("dataType", "Number");

        JsonNode response = invoke(handler, json.writeValueAsString(event));

        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(queued)
                .extracting(s -> s.lineage().jobId() + "/" + s.lineage().partId() + "@"
                        + s.lineage().depth())
                .containsExactly("job-7/3.1@2", "job-7/3.2@2");
        assertThat(queued)
                .as("each part keeps its items' indexes in the original event")
                .extracting(s -> s.lineage().firstItem())
                .containsExactly(4L, 5L);
    }

    private String subTaskBatch(String messageId, String jobId, String partId) throws Exception {
        ObjectNode event = json.createObjectNode();
        ObjectNode record = addRecord(event.putArray("Records"), messageId, OrderTaskType.orderJson("o-1", 1));
        ObjectNode attributes = record.putObject("messageAttributes");
        attributes.putObject("jobId").put("stringValue", jobId).put("dataType", "String");
        attributes.putObject("partId").put("stringValue", partId).put("dataType", "String");
        attributes.putObject("splitDepth").put("stringValue", "1").put("dataType", "Number");
        attributes.putObject("firstItem").put("stringValue", "0").put("dataType", "Number");
        return json.writeValueAsString(event);
    }

    /** A ledger in memory, with a job of {@code items} items opened. */
    private static Ledger ledgerWithJob(String jobId, long items) {
        Ledger ledger = new Ledger(
                new MemoryLedgerTable(Clock.systemUTC()),
                Clock.systemUTC(),
                LedgerSettings.of(Duration.ofHours(1), Duration.ofHours(1), LedgerTolerance.none()),
                duration -> {});
        ledger.startJob(jobId, "Order", items);
        return ledger;
    }

    /** A router whose sender acknowledges everything, with {@code records} suppressing duplicates. */
    private EventRouter<?> withRecords(JobLedger records) {
        return withRecords(type, records);
    }

    private EventRouter<?> withRecords(OrderTaskType orders, JobLedger records) {
        return new EventRouter<>(new EngineParts<>(
                orders,
                json,
                new Splitter(SplitPolicy.defaultPolicy(), json),
                (subTasks, context) -> new SendReport(subTasks.size(), 1, 0, Duration.ZERO),
                records,
                Clock.systemUTC(),
                executor,
                10,
                () -> {}));
    }

    @Test
    void aSubTaskDeliveredByAnInvocationIsProcessedWithItsLineageOnce() throws Exception {
        invoke(handler, OrderTaskType.orderJson("o-1", 4));
        SubTask part = queued.getFirst();
        Ledger records = ledgerWithJob(part.lineage().jobId(), 4);
        EventRouter<?> idempotent = withRecords(records);
        String envelope = new String(
                dev.loadsplitter.engine.internal.queue.SubTaskEnvelope.write(part, json), StandardCharsets.UTF_8);

        JsonNode first = invoke(idempotent, envelope);
        JsonNode again = invoke(idempotent, envelope);

        assertThat(json.writeValueAsString(first))
                .isEqualTo("{\"statusCode\":200,\"count\":1,\"body\":\"handled 1 line\"}");
        assertThat(again.get("count").asInt())
                .as("Lambda's retry of a done sub-task does nothing")
                .isZero();
        assertThat(type.processed()).containsExactly("sku-1");
        assertThat(part.lineage().partId()).isNotEmpty();
    }

    @Test
    void aSubTaskFailingEveryAsynchronousAttemptIsCountedIntoItsJobAtTheLast() throws Exception {
        invoke(handler, OrderTaskType.orderJson("o-1", 4));
        SubTask part = queued.getFirst();
        Ledger records = ledgerWithJob(part.lineage().jobId(), 4);
        OrderTaskType broken = new OrderTaskType() {
            @Override
            public void process(
                    dev.loadsplitter.engine.task.JsonItemList task, dev.loadsplitter.engine.task.WorkContext context) {
                throw new IllegalStateException("the warehouse is closed");
            }
        };
        EventRouter<?> router = withRecords(broken, records);
        String envelope = new String(
                dev.loadsplitter.engine.internal.queue.SubTaskEnvelope.write(part, json), StandardCharsets.UTF_8);

        // Lambda's three attempts at the invocation: only the last one counts the sub-task as dead-lettered.
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThatThrownBy(() -> invoke(router, envelope)).hasMessageContaining("the warehouse is closed");
            assertThat(records.job(part.lineage().jobId()).orElseThrow().deadLettered())
                    .as("after attempt " + attempt)
                    .isEqualTo(attempt < 3 ? 0 : 1);
        }
    }

    @Test
    void aSubTaskDeliveredTwiceIsProcessedOnce() throws Exception {
        Ledger records = ledgerWithJob("job-9", 8);
        EventRouter<?> idempotent = withRecords(records);

        try (CapturedOutput output = CapturedOutput.start()) {
            JsonNode first = invoke(idempotent, subTaskBatch("m-1", "job-9", "4"));
            JsonNode second = invoke(idempotent, subTaskBatch("m-2", "job-9", "4"));

            assertThat(first.get("batchItemFailures")).isEmpty();
            assertThat(second.get("batchItemFailures")).isEmpty();
            assertThat(output.text()).contains("messageId=m-2, job=job-9, part=4: duplicate of a sub-task done at");
        }
        assertThat(type.processed()).containsExactly("sku-1");
    }

    @Test
    void aSubTaskHeldByAnotherInvocationFailsAndComesBack() throws Exception {
        Ledger records = ledgerWithJob("job-9", 8);
        records.claim("job-9", "5", "another-invocation", Duration.ofMinutes(5), false);
        EventRouter<?> idempotent = withRecords(records);

        try (CapturedOutput output = CapturedOutput.start()) {
            JsonNode response = invoke(idempotent, subTaskBatch("m-3", "job-9", "5"));

            assertThat(response.get("batchItemFailures"))
                    .extracting(n -> n.get("itemIdentifier").asText())
                    .containsExactly("m-3");
            assertThat(output.text()).contains("sub-task job-9/5 is held by another invocation until");
        }
        assertThat(type.processed()).isEmpty();
    }

    @Test
    void aFailedSubTaskIsProcessedAgainOnItsNextDelivery() throws Exception {
        Ledger records = ledgerWithJob("job-9", 8);
        List<String> failOnce = new java.util.concurrent.CopyOnWriteArrayList<>(List.of("first"));
        OrderTaskType flaky = new OrderTaskType() {
            @Override
            public void process(
                    dev.loadsplitter.engine.task.JsonItemList task, dev.loadsplitter.engine.task.WorkContext context) {
                if (!failOnce.isEmpty()) {
                    failOnce.clear();
                    throw new IllegalStateException("transient");
                }
                super.process(task, context);
            }
        };
        EventRouter<?> idempotent = withRecords(flaky, records);

        assertThat(invoke(idempotent, subTaskBatch("m-4", "job-9", "6")).get("batchItemFailures"))
                .hasSize(1);
        assertThat(invoke(idempotent, subTaskBatch("m-4", "job-9", "6")).get("batchItemFailures"))
                .isEmpty();
        assertThat(flaky.processed()).containsExactly("sku-1");
    }

    @Test
    void aTaskTypeThatThrowsWhileReadingOrSlicingRejectsTheEventAndNamesItself() throws Exception {
        OrderTaskType broken = new OrderTaskType() {
            @Override
            public dev.loadsplitter.engine.task.Reading<dev.loadsplitter.engine.task.JsonItemList> read(
                    JsonNode event) {
                if (event.path("order").path("id").asText().equals("boom")) {
                    throw new IllegalStateException("cannot read orders from boom");
                }
                return super.read(event);
            }

            @Override
            public dev.loadsplitter.engine.task.JsonItemList subTask(
                    dev.loadsplitter.engine.task.JsonItemList task, int fromIndex, int toIndex) {
                throw new UnsupportedOperationException("no slicing today");
            }
        };
        EventRouter<?> router = new EventRouter<>(new EngineParts<>(
                broken,
                json,
                new Splitter(SplitPolicy.defaultPolicy(), json),
                (subTasks, context) -> {
                    throw new AssertionError("nothing may be queued");
                },
                JobLedger.none(),
                Clock.systemUTC(),
                executor,
                10,
                () -> {}));

        try (CapturedOutput output = CapturedOutput.start()) {
            JsonNode unreadable = invoke(router, OrderTaskType.orderJson("boom", 1));
            JsonNode unsliceable = invoke(router, OrderTaskType.orderJson("o-2", 3));

            assertThat(json.writeValueAsString(unreadable))
                    .isEqualTo("{\"statusCode\":400,\"count\":0,\"body\":\"invalid event argument\"}");
            assertThat(unsliceable.get("statusCode").asInt()).isEqualTo(400);
            assertThat(output.text())
                    .contains("requestId=req-1: invalid event argument: (root) could not be read by task type Order: "
                            + "java.lang.IllegalStateException: cannot read orders from boom")
                    .contains(": invalid event argument: task type Order failed while slicing or writing its "
                            + "sub-tasks: java.lang.UnsupportedOperationException: no slicing today");
        }
    }

    private ObjectNode addRecord(ArrayNode records, String messageId, String body) {
        ObjectNode record = records.addObject();
        record.put("messageId", messageId).put("body", body).put("eventSource", "aws:sqs");
        record.putObject("attributes").put("ApproximateReceiveCount", "1");
        return record;
    }
}
