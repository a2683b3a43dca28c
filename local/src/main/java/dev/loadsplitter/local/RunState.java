package dev.loadsplitter.local;

import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.internal.config.EngineSettings;
import dev.loadsplitter.engine.internal.config.Once;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.queue.LambdaSqsEvents;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.jobs.Jobs;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import dev.loadsplitter.local.report.RunSummary;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Answers what a started run has done and has left: whether it is drained, what was dead-lettered,
 * and the function's jobs as its ledger records them. Close it to close the jobs' client, if one was
 * opened.
 */
final class RunState implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunState.class);
    private static final int PHANTOM_AFTER_EMPTY_RECEIVES = 3;

    private final LocalSettings settings;
    private final Startup.Parts parts;
    private final Clock clock;
    private final Sleeper sleeper;
    /** The CLI's view of the ledger, with a DynamoDB client of its own, built on first use. */
    private final Once<Jobs> jobs = new Once<>(this::connectJobs);

    private volatile boolean phantomReported;

    RunState(LocalSettings settings, Startup.Parts parts, Clock clock, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.parts = Objects.requireNonNull(parts, "parts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** The DLQ message ids the parked dead letters stand for. */
    static Set<String> parkedFrom(EmbeddedSqs sqs, String parkedUrl) {
        Set<String> ids = new HashSet<>();
        List<Message> parked = sqs.receiveAll(parkedUrl);
        parked.forEach(
                message -> Optional.ofNullable(message.messageAttributes().get(SubTaskAttribute.PARKED_FROM))
                        .map(MessageAttributeValue::stringValue)
                        .ifPresent(ids::add));
        sqs.release(parkedUrl, parked);
        return ids;
    }

    /** The URL of the asynchronous invocations' on-failure destination, as SQS names it now. */
    String failedEventsUrl() {
        return parts.sqs().queueUrl(settings.failedEventsName());
    }

    /** True when nothing is left to do: no event waiting, no invocation running, no message queued or in flight. */
    boolean isDrained() {
        EmbeddedSqs sqs = parts.sqs();
        return parts.async().pending() == 0
                && parts.mapping().inFlight() == 0
                && parts.deadLetterMapping().inFlight() == 0
                && parts.failedEventsMapping().inFlight() == 0
                && parts.function().busy() == 0
                && workQueueEmpty()
                && (!settings.esm().enabled()
                        || !parts.countsDeadLetters()
                        || sqs.depth(parts.queues().dlqUrl()).total() == 0
                                && (!parts.failedEventsMapping().polling()
                                        || sqs.depth(failedEventsUrl()).total() == 0));
    }

    /**
     * Whether the work queue holds nothing. ElasticMQ 1.7.1 can go on counting a message as visible that
     * no ReceiveMessage returns any more (seen after a message reached maxReceiveCount while a delete and
     * the move to the DLQ raced); when the mapping's last receives all came back empty, that count is no
     * message, and waiting for it would only run out the run's timeout.
     */
    private boolean workQueueEmpty() {
        EmbeddedSqs.QueueDepth depth = parts.sqs().depth(parts.queues().url());
        if (depth.total() == 0) {
            return true;
        }
        boolean phantom = depth.inFlight() == 0
                && depth.delayed() == 0
                && parts.mapping().polling()
                && parts.mapping().emptyReceivesInARow() >= PHANTOM_AFTER_EMPTY_RECEIVES;
        if (phantom && !phantomReported) {
            phantomReported = true;
            log.warn(
                    "the work queue counts {} visible message(s) that {} receives in a row did not return: ElasticMQ's "
                            + "count, not a message; the run goes on as drained",
                    depth.visible(),
                    parts.mapping().emptyReceivesInARow());
        }
        return phantom;
    }

    /**
     * Waits until the run is drained, checking twice in a row so a message between a send and a
     * receive is not missed.
     *
     * @return whether it drained before {@code timeout}
     */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        int quiet = 0;
        while (clock.instant().isBefore(deadline)) {
            quiet = isDrained() ? quiet + 1 : 0;
            if (quiet >= 2) {
                return true;
            }
            sleeper.sleep(Duration.ofMillis(25));
        }
        return false;
    }

    /** Messages dead-lettered so far: parked, or still in the dead-letter queue. */
    int deadLettered() {
        return parts.sqs().depth(parts.parkedUrl()).total()
                + parts.sqs().depth(parts.queues().dlqUrl()).total();
    }

    /**
     * The dead-lettered sub-tasks, parked or still in the dead-letter queue, by their message
     * attributes, each with the items none of its splits queued (those are counted where their
     * sub-tasks end), as the function's records tell.
     */
    List<RunSummary.DeadLetter> deadLetters() {
        List<RunSummary.DeadLetter> deadLetters = new ArrayList<>();
        List<Message> messages = new ArrayList<>(parts.sqs().receiveAll(parts.parkedUrl()));
        messages.addAll(parts.sqs().receiveAll(parts.queues().dlqUrl()));
        Ledger records = records();
        for (Message message : messages) {
            Map<String, String> attributes = LambdaSqsEvents.attributeStrings(message.messageAttributes());
            int items = SubTaskAttribute.ITEM_COUNT.intIn(attributes, 1);
            String part = SubTaskAttribute.taskIdOr(attributes, message.messageId());
            long queued = 0;
            long firstItem = -1;
            if (SubTaskAttribute.lineageOf(attributes) instanceof SubTaskAttribute.ReceivedLineage.Known known) {
                firstItem = known.lineage().firstItem();
                queued = known.lineage()
                        .taskId()
                        .map(id -> records.queued(id.jobId(), id.partId()))
                        .orElse(0L);
            }
            // A split queues its parts in item order: what it had not queued is the tail of its range.
            deadLetters.add(new RunSummary.DeadLetter(
                    part, firstItem < 0 ? -1 : firstItem + queued, (int) Math.max(0, items - queued)));
        }
        return deadLetters;
    }

    /**
     * The function's job ledger, as the function keeps it in the local DynamoDB table, with the
     * function's own settings (IDEMPOTENCY_TTL, JOB_DEADLINE, tolerances): one setting for both.
     */
    private Ledger records() {
        EngineSettings function = EngineSettings.from(settings.environment());
        return new Ledger(
                new DynamoDbLedgerTable(AwsClients.sharedDynamoDb(runtimeCredentials()), settings.recordsTableName()),
                clock,
                LedgerSettings.of(function.idempotencyTtl(), function.jobDeadline(), function.tolerance()),
                sleeper);
    }

    /**
     * The function's jobs through engine's public jobs API, as {@code load-splitter jobs} reads them: the
     * ledger {@link #records()} reads, signed as the runtime's own reads. Kept until {@link #close}.
     */
    Jobs jobs() {
        return jobs.get();
    }

    private Jobs connectJobs() {
        Map<String, String> environment = new HashMap<>(settings.environment());
        environment.keySet().removeIf(name -> name.startsWith("AWS_"));
        environment.putAll(runtimeCredentials());
        return Jobs.connect(settings.recordsTableName(), environment);
    }

    /** The local DynamoDB endpoint, with the runtime's own access key, as a client's settings. */
    private Map<String, String> runtimeCredentials() {
        return Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB",
                parts.aws().url().toString(),
                "AWS_REGION",
                EmbeddedSqs.REGION,
                "AWS_ACCESS_KEY_ID",
                LocalAwsEndpoint.RUNTIME_KEY,
                "AWS_SECRET_ACCESS_KEY",
                "local");
    }

    /** Closes the jobs' client, when {@link #jobs()} opened one. */
    @Override
    public void close() {
        if (jobs.isDone()) {
            jobs.get().close();
        }
    }
}
