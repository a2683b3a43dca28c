package dev.loadsplitter.engine.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.WorkContext;
import dev.loadsplitter.engine.testing.OrderTaskType;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;

class SqsSubTaskSenderIT {

    @AutoClose
    private static final EmbeddedSqs sqs = EmbeddedSqs.start();

    private static final AtomicInteger QUEUES = new AtomicInteger();

    private final ObjectMapper json = EventJson.create();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Duration> pauses = new ArrayList<>();
    private final Sleeper recordingSleeper = pauses::add;
    private final WorkContext context = new WorkContext("job-1", "", "req-1");

    @AfterEach
    void close() {
        executor.close();
    }

    private String newQueue() {
        return sqs.createQueues("sender-" + QUEUES.incrementAndGet(), 5, Duration.ofSeconds(30))
                .url();
    }

    private List<SubTask> subTasks(int lines) throws Exception {
        OrderTaskType type = new OrderTaskType();
        JsonItemList task = ((Reading.Accepted<JsonItemList>)
                        type.read(json.readTree(OrderTaskType.orderJson("o-1", lines))))
                .task();
        return new Splitter(SplitPolicy.defaultPolicy(), json).split(type, task, Lineage.root("job-1"));
    }

    /** A client on the AWS CRT HTTP client, which the function ships and sends with. */
    private static SqsClientBuilder crt() {
        // In place of the embedded server's own client (the SDK takes one or the other, never both).
        return sqs.clientBuilder().httpClient(null).httpClientBuilder(AwsCrtHttpClient.builder());
    }

    private SqsSubTaskSender sender(SqsClient client, String queueUrl, int maxAttempts) {
        return new SqsSubTaskSender(
                client,
                QueueAddress.ofUrl(queueUrl),
                new SenderSettings(8, maxAttempts, Duration.ofMillis(10), Duration.ofMillis(100), 1_048_576),
                executor,
                recordingSleeper,
                Clock.systemUTC());
    }

    private static Set<String> skus(List<Message> messages, ObjectMapper json) throws Exception {
        Set<String> skus = ConcurrentHashMap.newKeySet();
        for (Message message : messages) {
            skus.add(json.readTree(message.body())
                    .get("order")
                    .get("lines")
                    .get(0)
                    .get("sku")
                    .asText());
        }
        return skus;
    }

    @Test
    void aThousandSubTasksArriveOnceEachWithTheirAttributes() throws Exception {
        String queueUrl = newQueue();

        SendReport report;
        try (SqsClient client = crt().build()) {
            report = sender(client, queueUrl, 5).send(subTasks(1_000), context);
        }

        List<Message> messages = sqs.receiveAll(queueUrl);
        assertThat(report.sent()).isEqualTo(1_000);
        assertThat(report.calls()).isEqualTo(100);
        assertThat(messages).hasSize(1_000);
        assertThat(skus(messages, json)).hasSize(1_000);
        assertThat(messages)
                .extracting(m -> m.messageAttributes().get("partId").stringValue())
                .doesNotHaveDuplicates();
        Message first = messages.stream()
                .filter(m -> m.messageAttributes().get("partId").stringValue().equals("17"))
                .findFirst()
                .orElseThrow();
        assertThat(first.messageAttributes().get("jobId").stringValue()).isEqualTo("job-1");
        assertThat(first.messageAttributes().get("firstItem").stringValue()).isEqualTo("16");
        assertThat(first.messageAttributes().get("firstItem").dataType()).isEqualTo("Number");
        assertThat(first.messageAttributes().get("partCount").stringValue()).isEqualTo("1000");
        assertThat(first.messageAttributes().get("splitDepth").stringValue()).isEqualTo("1");
        assertThat(first.messageAttributes().get("itemCount").stringValue()).isEqualTo("1");
        assertThat(first.messageAttributes().get("taskType").stringValue()).isEqualTo("Order");
        assertThat(pauses).isEmpty();
    }

    @Test
    void failedEntriesAreRetriedWithBackoffAndNothingIsLostOrDuplicated() throws Exception {
        String queueUrl = newQueue();
        // Every third entry fails on its first two tries, then goes through.
        ConcurrentHashMap<String, AtomicInteger> tries = new ConcurrentHashMap<>();
        FaultInjector faults = new FaultInjector(
                entry -> {
                    String part = entry.messageAttributes().get("partId").stringValue();
                    return Integer.parseInt(part) % 3 == 0
                            && tries.computeIfAbsent(part, p -> new AtomicInteger())
                                            .incrementAndGet()
                                    <= 2;
                },
                false);
        try (SqsClient client = crt().overrideConfiguration(c -> c.addExecutionInterceptor(faults))
                .build()) {

            SendReport report = sender(client, queueUrl, 5).send(subTasks(300), context);

            assertThat(faults.injected()).isGreaterThanOrEqualTo(150);
            assertThat(report.sent()).isEqualTo(300);
            assertThat(report.retriedEntries()).isEqualTo(faults.injected());
            assertThat(pauses).hasSize(2);
            assertThat(pauses.get(1)).isGreaterThanOrEqualTo(pauses.get(0).dividedBy(2));
        }
        List<Message> messages = sqs.receiveAll(queueUrl);
        assertThat(messages).hasSize(300);
        assertThat(skus(messages, json)).hasSize(300);
    }

    @Test
    void entriesThatKeepFailingFailTheSendNamingWhatWasAndWasNotQueued() throws Exception {
        String queueUrl = newQueue();
        FaultInjector faults = new FaultInjector(
                entry -> entry.messageAttributes().get("partId").stringValue().matches("7|8"), false);
        try (SqsClient client = crt().overrideConfiguration(c -> c.addExecutionInterceptor(faults))
                .build()) {

            assertThatThrownBy(() -> sender(client, queueUrl, 3).send(subTasks(20), context))
                    .isInstanceOf(SubTaskSendException.class)
                    .hasMessage(
                            "Queued 18 of 20 sub-tasks to " + queueUrl + "; 2 failed after 3 attempts (first error: "
                                    + "InternalError: injected transient failure). Failing the invocation so the source "
                                    + "retries it.");
        }
        assertThat(sqs.receiveAll(queueUrl)).hasSize(18);
    }

    @Test
    void senderFaultsAreNotRetried() throws Exception {
        String queueUrl = newQueue();
        FaultInjector faults = new FaultInjector(
                entry -> entry.messageAttributes().get("partId").stringValue().equals("2"), true);
        try (SqsClient client = crt().overrideConfiguration(c -> c.addExecutionInterceptor(faults))
                .build()) {

            assertThatThrownBy(() -> sender(client, queueUrl, 5).send(subTasks(5), context))
                    .isInstanceOf(SubTaskSendException.class)
                    .hasMessageContaining("Queued 4 of 5 sub-tasks")
                    .hasMessageContaining(
                            "1 failed after 1 attempt (first error: InvalidParameterValue: injected sender fault)");
        }
        assertThat(faults.injected()).isEqualTo(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aQueueLookedUpByNameIsResolvedOnceAndAMissingOneSaysWhatToDo() throws Exception {
        String queueUrl = newQueue();
        String name = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        QueueAddress byName = QueueAddress.ofName(sqs.client(), name);
        assertThat(byName.url()).isEqualTo(queueUrl);

        assertThatThrownBy(
                        () -> QueueAddress.ofName(sqs.client(), "no-such-queue").url())
                .hasMessage("Queue 'no-such-queue' (QUEUE_NAME) does not exist in this account and region. "
                        + "Create it, or set QUEUE_URL to the work queue's URL.");
    }
}
