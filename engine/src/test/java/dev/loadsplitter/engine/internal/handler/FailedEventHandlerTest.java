package dev.loadsplitter.engine.internal.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.jobs.CompletionEvents;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.queue.SendReport;
import dev.loadsplitter.engine.internal.queue.SubTaskEnvelope;
import dev.loadsplitter.engine.internal.queue.SubTaskSendException;
import dev.loadsplitter.engine.internal.queue.SubTaskSender;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.testing.OrderTaskType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failed-events queue's consumer: a Lambda invocation record's event runs again as its job's
 * root task, finishing a split that failed every asynchronous attempt, counting nothing twice.
 */
class FailedEventHandlerTest {

    private static final String FAILED_EVENTS_ARN = "arn:aws:sqs:us-east-1:000000000000:load-splitter-failed-events";

    private final ObjectMapper json = EventJson.create();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Ledger ledger = new Ledger(
            new MemoryLedgerTable(Clock.systemUTC()),
            Clock.systemUTC(),
            LedgerSettings.of(Duration.ofHours(1), Duration.ofHours(1), LedgerTolerance.none()),
            duration -> {});
    private final List<SubTask> queued = new CopyOnWriteArrayList<>();
    private final List<SqsRecord> parked = new CopyOnWriteArrayList<>();
    /** While set, every send after the first fails, as a split dying part-way would. */
    private final AtomicBoolean sendsFail = new AtomicBoolean();

    private final SubTaskSender sender = (subTasks, context) -> {
        if (sendsFail.get() && !queued.isEmpty()) {
            throw new SubTaskSendException("http://q", 0, subTasks.size(), 5, "InternalError: try again");
        }
        queued.addAll(subTasks);
        return new SendReport(subTasks.size(), 1, 0, Duration.ZERO);
    };

    @AfterEach
    void close() {
        executor.close();
    }

    private EventRouter<?> router(OrderTaskType type) {
        return new EventRouter<>(new EngineParts<>(
                type,
                json,
                new Splitter(SplitPolicy.defaultPolicy(), json),
                sender,
                ledger,
                Clock.systemUTC(),
                executor,
                10,
                () -> {},
                new JobCompletion(ledger, CompletionEvents.none()),
                new DeadLetters(Optional.empty(), 5, 3, parked::add, Optional.of(FAILED_EVENTS_ARN))));
    }

    private JsonNode invoke(EventRouter<?> router, String payload, String requestId) throws Exception {
        return json.readTree(router.handle(payload.getBytes(StandardCharsets.UTF_8), new Invocation(requestId)));
    }

    /** A batch of the failed-events queue: one record per body, as the mapping delivers them. */
    private String failedEventsBatch(String... bodies) {
        return failedEventsBatch(1, bodies);
    }

    private String failedEventsBatch(int receiveCount, String... bodies) {
        ObjectNode event = json.createObjectNode();
        var records = event.putArray("Records");
        for (int i = 0; i < bodies.length; i++) {
            ObjectNode record = records.addObject();
            record.put("messageId", "failed-" + i)
                    .put("body", bodies[i])
                    .put("eventSource", "aws:sqs")
                    .put("eventSourceARN", FAILED_EVENTS_ARN);
            record.putObject("attributes").put("ApproximateReceiveCount", Integer.toString(receiveCount));
        }
        return event.toString();
    }

    /** The invocation record Lambda sends to the on-failure destination once every attempt failed. */
    private String invocationRecord(String event) throws Exception {
        ObjectNode record = json.createObjectNode();
        record.put("version", "1.0").put("timestamp", "2026-12-03T17:00:00Z");
        record.putObject("requestContext")
                .put("requestId", "req-async")
                .put("functionArn", "arn:aws:lambda:us-east-1:000000000000:function:load-splitter:$LATEST")
                .put("condition", "RetriesExhausted")
                .put("approximateInvokeCount", 3);
        record.set("requestPayload", json.readTree(event));
        record.putObject("responseContext").put("statusCode", 200).put("functionError", "Unhandled");
        record.putObject("responsePayload").put("errorMessage", "Task timed out after 3.00 seconds");
        return record.toString();
    }

    private JobRecord job(String event) throws Exception {
        return ledger.job(JobIds.derive(json.readTree(event))).orElseThrow();
    }

    @Test
    void aSplitThatFailedEveryAttemptPartWayIsFinishedAndItsJobCompletes() throws Exception {
        OrderTaskType type = new OrderTaskType();
        EventRouter<?> router = router(type);
        String order = OrderTaskType.orderJson("o-1", 25);
        sendsFail.set(true);
        // Lambda's three attempts: each queues the first chunk of parts, then dies sending the rest.
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThatThrownBy(() -> invoke(router, order, "req-async")).hasMessageContaining("InternalError");
        }
        assertThat(job(order).deadLettered())
                .as("the failed-events queue's consumer finishes the split, so the last attempt counts none dead")
                .isZero();
        assertThat(queued).hasSize(10);
        sendsFail.set(false);

        JsonNode response = invoke(router, failedEventsBatch(invocationRecord(order)), "req-consumer");

        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(queued)
                .extracting(part -> part.lineage().partId())
                .as("the same parts, each once: the replay queued only those its attempts had not")
                .doesNotHaveDuplicates()
                .hasSize(25);
        for (SubTask part : List.copyOf(queued)) {
            invoke(router, new String(SubTaskEnvelope.write(part, json), StandardCharsets.UTF_8), "req-part");
        }
        JobRecord done = job(order);
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.processed()).isEqualTo(25);
        assertThat(type.processed()).hasSize(25);
        assertThat(parked).isEmpty();
    }

    @Test
    void aFinishedJobsFailedEventIsADuplicateAndQueuesNothing() throws Exception {
        OrderTaskType type = new OrderTaskType();
        EventRouter<?> router = router(type);
        String order = OrderTaskType.orderJson("o-2", 3);
        invoke(router, order, "req-async");
        for (SubTask part : List.copyOf(queued)) {
            invoke(router, new String(SubTaskEnvelope.write(part, json), StandardCharsets.UTF_8), "req-part");
        }
        queued.clear();

        JsonNode response = invoke(router, failedEventsBatch(invocationRecord(order)), "req-consumer");

        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(queued).isEmpty();
        assertThat(job(order).processed()).isEqualTo(3);
        assertThat(type.processed()).hasSize(3);
    }

    @Test
    void recordsThatCanNeverRunAreParkedNotFailedForEver() throws Exception {
        EventRouter<?> router = router(new OrderTaskType());
        String invalid = "{\"order\":{\"lines\":\"none\"}}";

        JsonNode response = invoke(
                router,
                failedEventsBatch(
                        "{\"not\":\"an invocation record\"}",
                        invocationRecord(invalid),
                        invocationRecord("{\"loadSplitterSweep\":{}}")),
                "req-c");

        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(parked)
                .extracting(record -> record.body().orElseThrow())
                .as("the stranger as it came; the invalid event itself, so a redrive runs it as what it is; a failed "
                        + "sweep is dropped, as the next tick sweeps")
                .containsExactlyInAnyOrder("{\"not\":\"an invocation record\"}", invalid);
        assertThat(queued).isEmpty();
    }

    @Test
    void aSmallTaskFailingOnceMoreIsCountedAsDeadLetteredAndItsEventParked() throws Exception {
        OrderTaskType type = new OrderTaskType();
        EventRouter<?> router = router(type);
        String failing = "{\"order\":{\"id\":\"o-3\",\"lines\":[{\"sku\":\"x\",\"fail\":true}]}}";

        JsonNode response = invoke(router, failedEventsBatch(invocationRecord(failing)), "req-consumer");

        assertThat(response.get("batchItemFailures")).isEmpty();
        JobRecord job = job(failing);
        assertThat(job.deadLettered()).isEqualTo(1);
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(parked).singleElement().satisfies(record -> {
            assertThat(json.readTree(record.body().orElseThrow())).isEqualTo(json.readTree(failing));
            assertThat(record.messageAttributes()).doesNotContainKey("jobId");
        });
    }

    @Test
    void aSplitThatFailsAgainFailsItsRecordSoItComesBack() throws Exception {
        EventRouter<?> router = router(new OrderTaskType());
        String order = OrderTaskType.orderJson("o-4", 25);
        sendsFail.set(true);

        JsonNode first = invoke(router, failedEventsBatch(invocationRecord(order)), "req-consumer-1");
        sendsFail.set(false);
        JsonNode again = invoke(router, failedEventsBatch(invocationRecord(order)), "req-consumer-2");

        assertThat(first.get("batchItemFailures"))
                .extracting(node -> node.get("itemIdentifier").asText())
                .containsExactly("failed-0");
        assertThat(again.get("batchItemFailures")).isEmpty();
        assertThat(queued)
                .extracting(part -> part.lineage().partId())
                .doesNotHaveDuplicates()
                .hasSize(25);
        assertThat(job(order).deadLettered()).isZero();
    }

    @Test
    void aFailedEventFailingOnEveryReceiveIsParkedAfterMaxReceiveCount() throws Exception {
        EventRouter<?> router = router(new OrderTaskType());
        String order = OrderTaskType.orderJson("o-5", 25);

        JsonNode response = invoke(router, failedEventsBatch(6, invocationRecord(order)), "req-consumer");

        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(parked)
                .singleElement()
                .satisfies(record ->
                        assertThat(json.readTree(record.body().orElseThrow())).isEqualTo(json.readTree(order)));
        assertThat(queued).as("not run again").isEmpty();
    }
}
