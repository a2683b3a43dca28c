package dev.loadsplitter.engine.internal.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.queue.SendReport;
import dev.loadsplitter.engine.internal.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.internal.queue.SubTaskEnvelope;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.ItemResult;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.JsonArrayTaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A JsonArrayTaskType through the real handler and ledger: an item that throws fails alone, the
 * others of its sub-task count, only the failed ones run again, and after the last receive they are
 * dead-lettered with their error, which the job's results show beside the others' results.
 */
class ItemByItemTest {

    private final ObjectMapper json = EventJson.create();
    private final List<SubTask> queued = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Ledger ledger = new Ledger(
            new MemoryLedgerTable(Clock.systemUTC()),
            Clock.systemUTC(),
            LedgerSettings.of(Duration.ofHours(1), Duration.ofHours(1), LedgerTolerance.none()),
            pause -> {});
    /** How often each item (by its index in the event) ran. */
    private final Map<Long, Integer> runs = new ConcurrentHashMap<>();
    /** Items that fail on their first run only. */
    private final Set<Long> failOnce = ConcurrentHashMap.newKeySet();

    /** {"numbers": [...]}: each squared; a negative number always fails, an item in failOnce fails once. */
    private final JsonArrayTaskType squares = JsonArrayTaskType.of("Squares", "numbers", (item, context) -> {
        long index = context.firstItem();
        runs.merge(index, 1, Integer::sum);
        if (failOnce.remove(index)) {
            throw new IllegalStateException("item " + index + " is busy, try again");
        }
        if (item.asLong() < 0) {
            throw new IllegalArgumentException("negative: " + item.asLong());
        }
        if (item.asLong() == 1_000) {
            return "x".repeat(ItemResult.MAX_BYTES);
        }
        return item.asLong() * item.asLong();
    });

    private final EventRouter<?> router = new EventRouter<>(new EngineParts<>(
            squares,
            json,
            new Splitter(new SplitPolicy(4, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8), json),
            (subTasks, context) -> {
                queued.addAll(subTasks);
                return new SendReport(subTasks.size(), 1, 0, Duration.ZERO);
            },
            ledger,
            Clock.systemUTC(),
            executor,
            10,
            () -> {}));

    @AfterEach
    void close() {
        executor.close();
    }

    private static String numbers(long... values) {
        StringBuilder event = new StringBuilder("{\"numbers\":[");
        for (int i = 0; i < values.length; i++) {
            event.append(i == 0 ? "" : ",").append(values[i]);
        }
        return event.append("]}").toString();
    }

    private JsonNode invoke(String payload) throws Exception {
        return json.readTree(router.handle(payload.getBytes(StandardCharsets.UTF_8), new Invocation("req-1")));
    }

    /** The SQS event that delivers {@code subTask} for the {@code receiveCount}th time. */
    private JsonNode deliver(SubTask subTask, int receiveCount) throws Exception {
        ObjectNode event = json.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("messageId", "m-" + subTask.lineage().partId())
                .put("body", subTask.body())
                .put("eventSource", "aws:sqs");
        record.putObject("attributes").put("ApproximateReceiveCount", Integer.toString(receiveCount));
        ObjectNode attributes = record.putObject("messageAttributes");
        SqsSubTaskSender.attributesOf(subTask)
                .forEach((name, value) -> attributes
                        .putObject(name)
                        .put("stringValue", value.stringValue())
                        .put("dataType", value.dataType()));
        return invoke(json.writeValueAsString(event));
    }

    private List<ItemResult> results(String jobId) {
        List<ItemResult> results = new ArrayList<>();
        ledger.itemResults(jobId, results::add);
        return results;
    }

    private static List<String> failures(JsonNode batchResponse) {
        List<String> ids = new ArrayList<>();
        batchResponse
                .get("batchItemFailures")
                .forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }

    @Test
    void onlyTheFailedItemsOfASubTaskRunAgainAndTheLastReceiveDeadLettersThemWithTheirError() throws Exception {
        String event = numbers(0, 1, 2, 3, 4, 5, -6, 7);
        String jobId = JobIds.derive(json.readTree(event));
        invoke(event);
        assertThat(queued).hasSize(2);
        SubTask first = queued.get(0);
        SubTask second = queued.get(1);
        failOnce.addAll(Set.of(1L, 3L));

        // Items 1 and 3 fail: the record fails, and the other two are done, with their results.
        assertThat(failures(deliver(first, 1)))
                .containsExactly("m-" + first.lineage().partId());
        assertThat(results(jobId))
                .containsExactly(
                        new ItemResult.Done(0, IntNode.valueOf(0)), new ItemResult.Done(2, IntNode.valueOf(4)));

        // The next delivery runs items 1 and 3 alone.
        assertThat(failures(deliver(first, 2))).isEmpty();
        assertThat(runs).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 1, 1L, 2, 2L, 1, 3L, 2));

        // Item 6 fails on every receive; the fifth, the queue's last, dead-letters it with its error.
        for (int receive = 1; receive <= 5; receive++) {
            assertThat(failures(deliver(second, receive)))
                    .as("receive " + receive)
                    .hasSize(1);
        }
        assertThat(runs).containsAllEntriesOf(Map.of(4L, 1, 5L, 1, 6L, 5, 7L, 1));

        JobRecord job = ledger.job(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
        assertThat(job.processed()).isEqualTo(7);
        assertThat(job.deadLettered()).isEqualTo(1);
        assertThat(job.results()).isEqualTo(7);
        assertThat(results(jobId))
                .extracting(result -> result.toJson().toString())
                .containsExactly(
                        "{\"index\":0,\"result\":0}",
                        "{\"index\":1,\"result\":1}",
                        "{\"index\":2,\"result\":4}",
                        "{\"index\":3,\"result\":9}",
                        "{\"index\":4,\"result\":16}",
                        "{\"index\":5,\"result\":25}",
                        "{\"index\":6,\"error\":{\"type\":\"java.lang.IllegalArgumentException\",\"message\":\"negative: -6\"}}",
                        "{\"index\":7,\"result\":49}");
    }

    @Test
    void onTheDirectPathLambdasRetryOfTheEventRunsOnlyTheFailedItems() throws Exception {
        String event = numbers(3, 4, 5);
        String jobId = JobIds.derive(json.readTree(event));
        failOnce.add(1L);

        assertThatThrownBy(() -> invoke(event)).hasMessageContaining("item 1 is busy, try again");
        JsonNode retried = invoke(event);

        assertThat(retried.get("statusCode").asInt()).isEqualTo(200);
        assertThat(runs).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 1, 1L, 2, 2L, 1));
        assertThat(results(jobId))
                .containsExactly(
                        new ItemResult.Done(0, IntNode.valueOf(9)),
                        new ItemResult.Done(1, IntNode.valueOf(16)),
                        new ItemResult.Done(2, IntNode.valueOf(25)));
        assertThat(ledger.job(jobId).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void withDispatchInvokeTheRetryOfAnInvokedSubTaskRunsOnlyItsFailedItems() throws Exception {
        String event = numbers(0, 1, 2, 3, 4, 5, 6, 7);
        String jobId = JobIds.derive(json.readTree(event));
        invoke(event);
        SubTask first = queued.get(0);
        failOnce.addAll(Set.of(1L, 3L));
        byte[] envelope = SubTaskEnvelope.write(first, json);

        // Lambda runs an asynchronous invocation again when it fails: the retry does items 1 and 3 alone.
        assertThatThrownBy(() -> router.handle(envelope, new Invocation("req-1")))
                .hasMessageContaining("is busy, try again");
        assertThat(results(jobId))
                .containsExactly(
                        new ItemResult.Done(0, IntNode.valueOf(0)), new ItemResult.Done(2, IntNode.valueOf(4)));
        JsonNode retried = json.readTree(router.handle(envelope, new Invocation("req-2")));

        assertThat(retried.get("statusCode").asInt()).isEqualTo(200);
        assertThat(runs).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 1, 1L, 2, 2L, 1, 3L, 2));
        assertThat(results(jobId))
                .containsExactly(
                        new ItemResult.Done(0, IntNode.valueOf(0)),
                        new ItemResult.Done(1, IntNode.valueOf(1)),
                        new ItemResult.Done(2, IntNode.valueOf(4)),
                        new ItemResult.Done(3, IntNode.valueOf(9)));
    }

    @Test
    void aResultOverTheLimitFailsItsItemNamingTheLimit() throws Exception {
        String event = numbers(0, 1, 2, 3, 4, 1_000, 6, 7);
        String jobId = JobIds.derive(json.readTree(event));
        invoke(event);

        for (int receive = 1; receive <= 5; receive++) {
            deliver(queued.get(0), receive);
            deliver(queued.get(1), receive);
        }

        assertThat(results(jobId).get(5)).isInstanceOfSatisfying(ItemResult.Failed.class, failed -> {
            assertThat(failed.type()).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(failed.message())
                    .isEqualTo("the item's result is " + (ItemResult.MAX_BYTES + 2) + " bytes of JSON, over the limit "
                            + "of 32768 bytes (ItemResult.MAX_BYTES); return less, or store it elsewhere (S3) and "
                            + "return where");
        });
        assertThat(results(jobId).get(4)).isEqualTo(new ItemResult.Done(4, IntNode.valueOf(16)));
        assertThat(runs.get(4L)).as("the other items of its sub-task ran once").isEqualTo(1);
    }

    @Test
    void aContextNamesEachItemsIndexInTheOriginalEvent() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        WorkContext[] last = new WorkContext[1];
        JsonArrayTaskType recording = JsonArrayTaskType.of("Recording", "numbers", (item, context) -> {
            seen.add(context.firstItem());
            last[0] = context;
            return null;
        });
        EventRouter<?> direct = new EventRouter<>(new EngineParts<>(
                recording,
                json,
                new Splitter(new SplitPolicy(4, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8), json),
                (subTasks, context) -> new SendReport(subTasks.size(), 1, 0, Duration.ZERO),
                ledger,
                Clock.systemUTC(),
                executor,
                10,
                () -> {}));

        direct.handle(numbers(7, 8, 9).getBytes(StandardCharsets.UTF_8), new Invocation("req-2"));

        assertThat(seen).containsExactly(0L, 1L, 2L);
        assertThat(last[0].deadline()).as("the invocation's deadline").isPresent();
    }
}
