package dev.loadsplitter.engine.handler;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.batch.BatchProcessor;
import dev.loadsplitter.engine.batch.BatchResponse;
import dev.loadsplitter.engine.batch.RecordOutcome;
import dev.loadsplitter.engine.batch.SqsRecord;
import dev.loadsplitter.engine.config.AwsClients;
import dev.loadsplitter.engine.config.EngineSettings;
import dev.loadsplitter.engine.config.Once;
import dev.loadsplitter.engine.idempotency.DynamoDbProcessingRecords;
import dev.loadsplitter.engine.idempotency.InMemoryProcessingRecords;
import dev.loadsplitter.engine.idempotency.LazyProcessingRecords;
import dev.loadsplitter.engine.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.json.EventJson;
import dev.loadsplitter.engine.queue.QueueAddress;
import dev.loadsplitter.engine.time.Sleeper;
import dev.loadsplitter.engine.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.queue.SubTaskSender;
import dev.loadsplitter.engine.split.JobIds;
import dev.loadsplitter.engine.split.Lineage;
import dev.loadsplitter.engine.split.SplitException;
import dev.loadsplitter.engine.split.Splitter;
import dev.loadsplitter.engine.split.SubTaskAttribute;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one entry point for both kinds of input, as JSON bytes in and out:
 * <ul>
 *   <li>an SQS batch ({@code Records} from {@code aws:sqs}): every record is handled on its own and
 *       the answer is the partial batch response naming exactly the records that failed;</li>
 *   <li>anything else is a direct event (EventBridge, the Invoke API, a console test): a small task
 *       is processed, a large one split and queued, and the answer is the sample's
 *       {@code statusCode/count/body} contract.</li>
 * </ul>
 * Build one per container; it is thread-safe.
 */
public final class EntryHandler<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EntryHandler.class);

    private final TaskType<T> type;
    private final ObjectMapper json;
    private final TaskRunner<T> runner;
    private final ExecutorService executor;
    private final int recordConcurrency;
    private final ProcessingRecords records;
    private final Clock clock;
    private final Runnable resources;

    /**
     * @param executor runs the records of a batch concurrently
     * @param resources closed with this handler: whatever the caller built for it alone
     */
    public EntryHandler(TaskType<T> type, ObjectMapper json, Splitter splitter, SubTaskSender sender,
                        ExecutorService executor, int recordConcurrency, Runnable resources) {
        this(type, json, splitter, sender, ProcessingRecords.none(), Clock.systemUTC(), executor, recordConcurrency,
                resources);
    }

    /**
     * @param records processing records by sub-task, so a duplicate delivery is not processed twice
     * @param clock the time processing records are stamped with
     * @param executor runs the records of a batch concurrently
     * @param resources closed with this handler: whatever the caller built for it alone
     */
    public EntryHandler(TaskType<T> type, ObjectMapper json, Splitter splitter, SubTaskSender sender,
                        ProcessingRecords records, Clock clock, ExecutorService executor, int recordConcurrency,
                        Runnable resources) {
        this.type = Objects.requireNonNull(type, "type");
        this.json = Objects.requireNonNull(json, "json");
        this.runner = new TaskRunner<>(type, splitter, sender);
        this.records = Objects.requireNonNull(records, "records");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.recordConcurrency = recordConcurrency;
        this.resources = Objects.requireNonNull(resources, "resources");
    }

    /**
     * Builds a handler and everything it needs from the function's environment: settings, the
     * JSON mapper, a virtual-thread executor, and (on the first split) the SQS client and queue URL.
     *
     * @throws dev.loadsplitter.engine.config.InvalidSettingException when a setting is malformed
     */
    public static <T> EntryHandler<T> fromEnvironment(TaskType<T> type, Map<String, String> environment) {
        EngineSettings settings = EngineSettings.from(environment);
        ObjectMapper json = EventJson.shared();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        // Built on the first split only: most invocations of a fan-out process one small sub-task and
        // never send, so their cold start skips it. The client is shared per class loader and
        // configuration: one per container on AWS.
        Once<SubTaskSender> realSender = new Once<>(() -> {
            SqsClient sqs = AwsClients.sharedSqs(environment);
            QueueAddress queue = settings.queueUrl().map(QueueAddress::ofUrl)
                    .or(() -> settings.queueName().map(name -> QueueAddress.ofName(sqs, name)))
                    .orElseThrow(() -> new IllegalStateException("No work queue configured: set QUEUE_URL (or "
                            + "QUEUE_NAME) in the function's environment so large tasks can be split."));
            return new SqsSubTaskSender(sqs, queue, settings.sender(), executor, Sleeper.system(), Clock.systemUTC());
        });
        SubTaskSender sender = (subTasks, context) -> realSender.get().send(subTasks, context);
        if (settings.queueUrl().isEmpty() && settings.queueName().isEmpty()) {
            log.warn("Neither QUEUE_URL nor QUEUE_NAME is set: small tasks work, large ones will fail to split.");
        }
        ProcessingRecords records = switch (settings.idempotency()) {
            case "memory" -> InMemoryProcessingRecords.shared(settings.queueUrl().or(settings::queueName).orElse(""),
                    settings.idempotencyTtl());
            case "dynamodb" -> new LazyProcessingRecords(() -> new DynamoDbProcessingRecords(
                    AwsClients.sharedDynamoDb(environment), settings.idempotencyTable().orElseThrow(),
                    settings.idempotencyTtl()));
            default -> ProcessingRecords.none();
        };
        return new EntryHandler<>(type, json, new Splitter(settings.policy(), json), sender, records,
                Clock.systemUTC(), executor, settings.recordConcurrency(), executor::close);
    }

    /** Reads the whole input, handles it and writes the JSON answer. */
    public void handle(InputStream input, OutputStream output, Invocation invocation) throws IOException {
        output.write(handle(input.readAllBytes(), invocation));
    }

    /** Handles one invocation's payload and returns the JSON answer. */
    public byte[] handle(byte[] input, Invocation invocation) throws IOException {
        JsonNode event;
        try {
            event = json.readTree(input);
        } catch (JacksonException e) {
            log.warn("requestId={}: invalid event argument: {}", invocation.requestId(), describe(e));
            return json.writeValueAsBytes(DirectResponse.invalid().toJson());
        }
        if (log.isDebugEnabled()) {
            log.debug("requestId={}: event {}", invocation.requestId(), new String(input, StandardCharsets.UTF_8));
        }
        if (isSqsBatch(event)) {
            return json.writeValueAsBytes(handleBatch((ArrayNode) event.get("Records"), invocation));
        }
        return json.writeValueAsBytes(handleDirect(event, input, invocation).toJson());
    }

    /** "the payload is not valid JSON (…)" or "the payload is over a parsing limit (…)". */
    private static String describe(JacksonException e) {
        String detail = e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            return "the payload is over a parsing limit (" + detail + ")";
        }
        return "the payload is not valid JSON (" + detail + ")";
    }

    private static boolean isSqsBatch(JsonNode event) {
        JsonNode records = event == null ? null : event.get("Records");
        if (records == null || !records.isArray() || records.isEmpty()) {
            return false;
        }
        for (JsonNode record : records) {
            if ("aws:sqs".equals(record.path("eventSource").asText(null))) {
                return true;
            }
        }
        return false;
    }

    private DirectResponse handleDirect(JsonNode event, byte[] raw, Invocation invocation) {
        Reading<T> reading = type.read(event);
        String requestId = invocation.requestId();
        return switch (reading) {
            case Reading.Invalid<T> invalid -> {
                log.warn("requestId={}: invalid event argument: {}", requestId, invalid.describe());
                yield DirectResponse.invalid();
            }
            case Reading.Ignored<T> ignored -> {
                log.info("requestId={}: event was ignored: {}", requestId, ignored.reason());
                yield DirectResponse.ignored();
            }
            case Reading.Accepted<T> accepted -> {
                Lineage lineage = Lineage.root(JobIds.derive(event, raw));
                TaskRunner.Result result = runTask(accepted.task(), lineage, requestId);
                if (result.split()) {
                    log.info("requestId={}, job={}: split {} into {} queued sub-tasks", requestId, lineage.jobId(),
                            type.itemNoun().count(result.items()), result.messages());
                    yield DirectResponse.split(type.itemNoun(), result.items(), result.messages());
                }
                log.info("requestId={}, job={}: handled {}", requestId, lineage.jobId(),
                        type.itemNoun().count(result.items()));
                yield DirectResponse.handled(type.itemNoun(), result.items());
            }
        };
    }

    private TaskRunner.Result runTask(T task, Lineage lineage, String sourceId) {
        try {
            return runner.run(task, lineage, sourceId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException(describe(lineage, sourceId) + ": interrupted", e);
        } catch (RuntimeException e) {
            throw new TaskFailedException(describe(lineage, sourceId) + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new TaskFailedException(describe(lineage, sourceId) + ": " + type.name() + " processing failed: "
                    + e.getMessage(), e);
        }
    }

    private String describe(Lineage lineage, String sourceId) {
        return "requestId=" + sourceId + ", job=" + lineage.jobId()
                + (lineage.partId().isEmpty() ? "" : ", part=" + lineage.partId());
    }

    private ObjectNode handleBatch(ArrayNode recordNodes, Invocation invocation) {
        List<SqsRecord> records = new ArrayList<>(recordNodes.size());
        for (JsonNode node : recordNodes) {
            records.add(SqsRecord.from(node));
        }
        List<RecordOutcome> outcomes;
        BatchProcessor batches = new BatchProcessor(record -> handleRecord(record, invocation), executor,
                recordConcurrency);
        try {
            outcomes = batches.process(records);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException("requestId=" + invocation.requestId()
                    + ": interrupted while processing a batch of " + records.size() + " records");
        }
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        ArrayNode failures = response.putArray("batchItemFailures");
        for (BatchResponse.BatchItemFailure failure : BatchResponse.of(outcomes).batchItemFailures()) {
            failures.addObject().put("itemIdentifier", failure.itemIdentifier());
        }
        return response;
    }

    private String handleRecord(SqsRecord record, Invocation invocation) throws Exception {
        String messageId = record.messageId();
        String body = record.body().orElseThrow(() -> new InvalidTaskException("the record has no body"));
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidTaskException("the body " + describe(e).substring("the payload ".length()));
        }
        return switch (type.read(event)) {
            case Reading.Invalid<T> invalid -> throw new InvalidTaskException(
                    "the body is not a valid " + type.name() + " task: " + invalid.describe());
            case Reading.Ignored<T> ignored -> {
                log.info("messageId={}: ignored: {}", messageId, ignored.reason());
                yield "ignored";
            }
            case Reading.Accepted<T> accepted -> {
                Lineage lineage = lineageOf(record, event, body);
                String where = "messageId=" + messageId + ", job=" + lineage.jobId()
                        + (lineage.partId().isEmpty() ? "" : ", part=" + lineage.partId());
                // Sub-tasks carry their job and part: a second delivery of one is recognised.
                String taskId = record.attribute(SubTaskAttribute.JOB_ID.attributeName()).isPresent()
                        && !lineage.partId().isEmpty() ? lineage.jobId() + "/" + lineage.partId() : null;
                if (taskId != null) {
                    switch (records.claim(taskId, clock.instant(), invocation.remainingTime())) {
                        case ProcessingRecords.Claim.AlreadyDone done -> {
                            log.info("{}: duplicate of a sub-task done at {}; acknowledged without processing it again",
                                    where, done.doneAt());
                            yield "duplicate";
                        }
                        case ProcessingRecords.Claim.HeldElsewhere held -> throw new TaskBusyException(
                                "sub-task " + taskId + " is held by another invocation until " + held.leaseEnds()
                                        + "; it comes back after the visibility timeout");
                        case ProcessingRecords.Claim.Claimed claimed -> {
                            // Ours until the lease ends.
                        }
                    }
                }
                TaskRunner.Result result;
                try {
                    result = runner.run(accepted.task(), lineage, messageId);
                } catch (SplitException e) {
                    markFailed(taskId, e);
                    throw new InvalidTaskException(e.getMessage());
                } catch (Exception e) {
                    markFailed(taskId, e);
                    throw e;
                }
                if (taskId != null) {
                    records.markDone(taskId, clock.instant());
                }
                String summary = result.split()
                        ? "split " + type.itemNoun().count(result.items()) + " into " + result.messages()
                                + " queued sub-tasks"
                        : "processed " + type.itemNoun().count(result.items());
                log.info("{}: {}", where, summary);
                yield summary;
            }
        };
    }

    private void markFailed(String taskId, Exception e) {
        if (taskId != null) {
            records.markFailed(taskId, String.valueOf(e.getMessage()), clock.instant());
        }
    }

    private static Lineage lineageOf(SqsRecord record, JsonNode event, String body) throws InvalidTaskException {
        String jobId = record.attribute(SubTaskAttribute.JOB_ID.attributeName())
                .filter(id -> !id.isBlank())
                .orElseGet(() -> JobIds.derive(event, body.getBytes(StandardCharsets.UTF_8)));
        String partId = record.attribute(SubTaskAttribute.PART_ID.attributeName()).orElse("");
        String depthText = record.attribute(SubTaskAttribute.SPLIT_DEPTH.attributeName()).orElse("0");
        int depth;
        try {
            depth = Integer.parseInt(depthText.trim());
        } catch (NumberFormatException e) {
            depth = -1;
        }
        if (depth < 0) {
            throw new InvalidTaskException("messageAttributes." + SubTaskAttribute.SPLIT_DEPTH.attributeName()
                    + " is '" + depthText + "', expected a whole number of 0 or more");
        }
        return new Lineage(jobId, partId, depth);
    }

    @Override
    public void close() {
        resources.run();
    }
}
