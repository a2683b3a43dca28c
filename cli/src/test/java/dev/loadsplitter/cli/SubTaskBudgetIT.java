package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.config.EngineSettings;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.queue.LambdaSqsEvents;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.aws.DynamoDbUsage;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import dev.loadsplitter.local.container.EnvironmentBudget;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Isolation;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.fault.FaultBroker;
import dev.loadsplitter.local.fault.SqsFaultProxy;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The cost budget of a zero-work sub-task, counted, not timed: the calls our function makes to SQS (by
 * action) and to the strict local DynamoDB endpoint (by operation, with the write units it bills), and the
 * log lines it writes, for the common paths. The real function jar runs in the real local container
 * ({@link FunctionRuntime}) against the real endpoint and embedded ElasticMQ, its SQS calls through a
 * pass-through {@link SqsFaultProxy} that counts them. The mapping's part is played by this test, one
 * {@code ReceiveMessage} and one {@code DeleteMessageBatch} per batch (what the event source mapping spends
 * at best with a backlog), so that every count is exact and one invocation's counts are the difference of
 * the counters around it.
 *
 * <p>The budget is {@link #BUDGET}, mirrored in docs/performance.md; the numbers follow from the ledger's
 * design (engine/…/internal/ledger), each explained beside it. Raising one is a deliberate edit of that
 * table, in the commit that needs it.
 */
class SubTaskBudgetIT {

    /**
     * One path's counts. {@code dynamoDb} maps an operation to its calls, {@code writeUnits} is the total
     * write capacity units the endpoint billed, {@code sqs} maps an SQS action of the function's to its
     * calls, {@code logLines} the lines the function wrote.
     */
    record Cost(
            Map<String, Long> dynamoDb,
            long writeUnits,
            double readUnits,
            Map<String, Long> sqs,
            long events,
            long logLines) {

        Cost {
            // Sorted, so a failure's expected and actual read side by side.
            dynamoDb = Collections.unmodifiableSortedMap(new TreeMap<>(dynamoDb));
            sqs = Collections.unmodifiableSortedMap(new TreeMap<>(sqs));
        }

        @Override
        public String toString() {
            return "DynamoDB " + dynamoDb + ", " + writeUnits + " WCU, " + readUnits + " RCU; SQS " + sqs + "; "
                    + events + " events; " + logLines + " log lines";
        }
    }

    /*
     * THE BUDGET, per path (mirrored in docs/performance.md, "The cost budget"). Zero-work CreateTags items,
     * MAX_ITEMS_PER_TASK=1, job records in DynamoDB; WCU as DynamoDB bills them (a transactional write of an
     * item costs 2, a plain one 1), RCU for strongly consistent reads (1 per 4 KB read). The ledger's design:
     *
     * split of 10 (the root invocation of a 10-item event):
     *   TransactWriteItems 1, 38 WCU  JobBook.start opens the job in one transaction of 19 puts: its header,
     *                                 LedgerKeys.MIN_SHARDS = 16 counter shards (so a job's sub-tasks spread
     *                                 their counts over 16 items), its jobs-index and its unsettled entry
     *   UpdateItem 3, 3 WCU           TaskClaims: claim the root, record the split's progress (its parts are
     *                                 queued), finish it DONE
     *   Query 3, 3 RCU                the job's shards (one page of 16): read once per invocation (JobScope),
     *                                 again between chunks (LedgerBook.fresh), and by the close's look
     *   (no GetQueueAttributes)       the sender warms up once a container, beside its first split's planning;
     *                                 this container split a job before
     *   SQS SendMessageBatch 1        10 sub-tasks in one call
     *   2 log lines                   "queued N sub-tasks", "split N tags"
     * one-item sub-task (not the job's last):
     *   UpdateItem 1, 1 WCU           claim the sub-task (TaskClaims.claim, conditional)
     *   TransactWriteItems 1, 6 WCU   ItemMarks: the item's mark, its counter shard and the claim moved to
     *                                 DONE, in one transaction of 3 items, so a count moves exactly when a mark does
     *   Query 2, 2 RCU                the job's shards: read once per invocation (is the job stopped?), and the
     *                                 close's look after marking (JobCompletion.settle: not complete yet)
     *   3 log lines                   "processing tag", "done tag", "processed 1 tag"
     * one-item sub-task that closes its job: the same, and the close (JobBook.close, twice: JobCompletion.settle
     *   looks again after announcing a close):
     *   Query +4, GetItem 2           the shards read again around each look at the header (no close is made
     *                                 with counts older than the header's), the header read (consistent)
     *   UpdateItem +3, DeleteItem 1   the close (header c -> c + 1), the publication's lease, "published"; the
     *                                 job's unsettled entry removed: +4 WCU
     *   1 EventBridge event, +1 log line  the completion event, "COMPLETED (ALL_PROCESSED), close 1"
     * batch of 10 (10 one-item records of one job, none the last): 10 claims and 10 mark transactions, but the
     *   job's shards read twice for the whole invocation (JobScope reads once for all records; one close look
     *   per job touched), 30 log lines. Per sub-task: 1 UpdateItem, 1 transaction, 0.2 Query, 7 WCU, 0.2 RCU.
     *
     * The mapping's own SQS calls are not the function's: per batch at best one ReceiveMessage and one
     * DeleteMessageBatch, whatever its size (this test makes exactly those).
     */
    static final Map<String, Cost> BUDGET = budget();

    private static Map<String, Cost> budget() {
        Cost oneItem = new Cost(Map.of("UpdateItem", 1L, "TransactWriteItems", 1L, "Query", 2L), 7, 2, Map.of(), 0, 3);
        Map<String, Cost> budget = new LinkedHashMap<>();
        budget.put(
                "split of 10",
                new Cost(
                        Map.of("TransactWriteItems", 1L, "UpdateItem", 3L, "Query", 3L),
                        41,
                        3,
                        Map.of("SendMessageBatch", 1L),
                        0,
                        2));
        for (int i = 1; i <= 9; i++) {
            budget.put("one-item sub-task " + i, oneItem);
        }
        budget.put(
                "one-item sub-task that closes its job",
                new Cost(
                        Map.of(
                                "UpdateItem",
                                4L,
                                "TransactWriteItems",
                                1L,
                                "Query",
                                6L,
                                "GetItem",
                                2L,
                                "DeleteItem",
                                1L),
                        11,
                        8,
                        Map.of(),
                        1,
                        4));
        budget.put(
                "batch of 10",
                new Cost(Map.of("UpdateItem", 10L, "TransactWriteItems", 10L, "Query", 2L), 70, 2, Map.of(), 0, 30));
        return budget;
    }

    private static final ObjectMapper JSON = EventJson.create();
    private static final String TABLE = LocalSettings.FUNCTION_NAME + "-records";

    @TempDir
    static Path dir;

    private static EmbeddedSqs sqs;
    private static EmbeddedSqs.QueuePair queues;
    private static LocalAwsEndpoint aws;
    private static SqsFaultProxy proxy;
    private static FunctionRuntime function;
    /** Every line the function wrote: in this JVM our handler's logger writes to {@code System.out}, as on Lambda. */
    private static final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    private static PrintStream originalOut;

    @BeforeAll
    static void start() {
        originalOut = System.out;
        System.setOut(new PrintStream(new LineCounter(originalOut), true, StandardCharsets.UTF_8));
        sqs = EmbeddedSqs.start();
        queues = sqs.createQueues("budget", 3, Duration.ofSeconds(60));
        String parked = sqs.createQueue("budget-parked");
        aws = LocalAwsEndpoint.start("127.0.0.1", 0, Clock.systemUTC());
        aws.createTable(TABLE, DynamoDbLedgerTable.PK, DynamoDbLedgerTable.SK);
        aws.enableTimeToLive(TABLE, MemoryLedgerTable.EXPIRES_AT);
        proxy = SqsFaultProxy.start(sqs.endpoint(), 0, 1);
        Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
        environment.put("AWS_ENDPOINT_URL_SQS", proxy.endpoint().toString());
        environment.put("AWS_ENDPOINT_URL_DYNAMODB", aws.url().toString());
        environment.put("AWS_ENDPOINT_URL_EVENTBRIDGE", aws.url().toString());
        environment.put(EngineSettings.IDEMPOTENCY.name(), "dynamodb");
        environment.put(EngineSettings.IDEMPOTENCY_TABLE.name(), TABLE);
        environment.put(EngineSettings.EVENT_BUS_NAME.name(), "default");
        environment.put(EngineSettings.MAX_RECEIVE_COUNT.name(), "3");
        environment.put(EngineSettings.DEAD_LETTER_QUEUE_ARN.name(), queues.dlqArn());
        environment.put(EngineSettings.PARKED_QUEUE_URL.name(), parked);
        environment.put("PROCESSING_DELAY", "0");
        function = FunctionRuntime.builder(new FunctionDefinition(
                        LocalSettings.FUNCTION_NAME,
                        LocalSettings.HANDLER,
                        FunctionOptions.defaultJar(),
                        512,
                        Duration.ofSeconds(60),
                        environment,
                        Isolation.NONE))
                .arn("arn:aws:lambda:" + EmbeddedSqs.REGION + ":" + EmbeddedSqs.ACCOUNT + ":function:"
                        + LocalSettings.FUNCTION_NAME)
                .reservedConcurrency(10)
                .clock(Clock.systemUTC())
                .functionLog((requestId, at, message) -> message.lines().forEach(lines::add))
                .listener(new InvocationListener() {})
                .faults(FaultBroker.none())
                .budget(EnvironmentBudget.unlimited())
                .build();
    }

    @AfterAll
    static void stop() {
        if (originalOut != null) {
            System.setOut(originalOut);
        }
        for (AutoCloseable closeable : new AutoCloseable[] {function, proxy, aws, sqs}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException("could not close " + closeable, e);
            }
        }
    }

    /** What one step cost: the counters after it minus those before. */
    private static Cost measure(Runnable step) {
        DynamoDbUsage before = aws.dynamoDbUsage();
        Map<String, Long> sqsBefore = proxy.forwardedByAction();
        long linesBefore = lines.size();
        long eventsBefore = aws.eventBridge().events().size();
        step.run();
        DynamoDbUsage spent = aws.dynamoDbUsage().minus(before);
        Map<String, Long> dynamoDb = new TreeMap<>();
        spent.operations().forEach((operation, usage) -> dynamoDb.put(operation, usage.calls()));
        Map<String, Long> sqsSpent = new TreeMap<>();
        proxy.forwardedByAction().forEach((action, count) -> {
            long calls = count - sqsBefore.getOrDefault(action, 0L);
            if (calls != 0) {
                sqsSpent.put(action, calls);
            }
        });
        return new Cost(
                dynamoDb,
                spent.total().writeUnits(),
                spent.total().readUnits(),
                sqsSpent,
                aws.eventBridge().events().size() - eventsBefore,
                lines.size() - linesBefore);
    }

    /** Passes bytes on and keeps each whole line. */
    private static final class LineCounter extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineCounter(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    private static byte[] event(String id, int tags) {
        try {
            return Files.readAllBytes(JobsIT.event(dir, id, tags));
        } catch (Exception e) {
            throw new IllegalStateException("could not write the event " + id, e);
        }
    }

    private static void invokeDirect(byte[] event) {
        InvocationResult result = function.invoke(event, Trigger.ASYNC);
        assertThat(result).as("the split's answer").isInstanceOf(InvocationResult.Success.class);
    }

    /** Receives {@code size} messages, invokes the function with them as the mapping would, and deletes them. */
    private static void invokeBatch(int size) {
        List<Message> batch = sqs.client()
                .receiveMessage(request -> request.queueUrl(queues.url())
                        .maxNumberOfMessages(size)
                        .messageSystemAttributeNames(LambdaSqsEvents.SYSTEM_ATTRIBUTES)
                        .messageAttributeNames("All"))
                .messages();
        assertThat(batch).as("messages waiting").hasSize(size);
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(LambdaSqsEvents.event(batch, queues.arn(), EmbeddedSqs.REGION));
        } catch (Exception e) {
            throw new IllegalStateException("could not write the SQS event", e);
        }
        InvocationResult result = function.invoke(payload, Trigger.SQS);
        assertThat(result)
                .isInstanceOfSatisfying(
                        InvocationResult.Success.class,
                        success -> assertThat(new String(success.response(), java.nio.charset.StandardCharsets.UTF_8))
                                .as("no record failed")
                                .contains("\"batchItemFailures\":[]"));
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(batch.get(i).receiptHandle())
                    .build());
        }
        sqs.client()
                .deleteMessageBatch(request -> request.queueUrl(queues.url()).entries(entries));
    }

    @Test
    void aZeroWorkSubTaskCostsWhatTheBudgetSays() {
        // A first job warms the container (its init and first calls are not a sub-task's cost).
        invokeDirect(event("warm-up", 2));
        invokeBatch(1);
        invokeBatch(1);

        Map<String, Cost> measured = new LinkedHashMap<>();
        measured.put("split of 10", measure(() -> invokeDirect(event("ones", 10))));
        for (int i = 1; i <= 9; i++) {
            measured.put("one-item sub-task " + i, measure(() -> invokeBatch(1)));
        }
        measured.put("one-item sub-task that closes its job", measure(() -> invokeBatch(1)));
        invokeDirect(event("tens", 20));
        measured.put("batch of 10", measure(() -> invokeBatch(10)));
        // The batch that closes its job is not budgeted: its records run at once, and how many of them see the
        // job complete (and look at its header) depends on their interleaving.
        invokeBatch(10);

        SoftAssertions budget = new SoftAssertions();
        BUDGET.forEach((path, allowed) -> budget.assertThat(measured.get(path))
                .as("%s: over or under its budget (SubTaskBudgetIT.BUDGET and docs/performance.md)", path)
                .isEqualTo(allowed));
        budget.assertAll();
    }
}
