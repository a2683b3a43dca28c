package dev.loadsplitter.local.esm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.queue.LambdaSqsEvents;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.BatchResponse;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.fault.InvocationIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Behaves like Lambda's SQS event source mapping: pollers poll the queue (long polls while it is
 * empty, short ones while it has a backlog), gather batches of up to {@code batchSize} records
 * within the batching window, and invoke the function with each batch, up to
 * {@code maximumConcurrency} at once.
 *
 * <p>After an invocation: with {@code ReportBatchItemFailures}, the records not named in the
 * response's {@code batchItemFailures} are deleted and the named ones stay; a response that
 * cannot be read, or names a record not in the batch, fails the whole batch, as on Lambda.
 * Without it, a successful invocation deletes the batch. A function error, a timeout or a
 * throttle deletes nothing: the records come back after the visibility timeout, and after the
 * redrive policy's {@code maxReceiveCount} receives SQS moves them to the dead-letter queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
public final class EventSourceMapping implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventSourceMapping.class);
    private static final int MAX_RECEIVE = 10;

    private static final int LONG_POLL_SECONDS = 1;
    private static final int MIN_POLLERS = 2;

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final FunctionRuntime function;
    private final EsmSettings settings;
    private final ObjectMapper json;
    private final Semaphore concurrency;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong deliveredRecords = new AtomicLong();
    private final AtomicLong failedRecords = new AtomicLong();
    private final AtomicLong throttledRecords = new AtomicLong();
    private final List<Thread> pollers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger activePollers = new AtomicInteger();
    private final int maxPollers;
    private final DeleteBatcher deletes;
    private final Trigger trigger;
    private final Clock clock;
    private final Sleeper sleeper;
    private final AtomicLong receives = new AtomicLong();
    private final AtomicLong emptyReceivesInARow = new AtomicLong();
    private volatile boolean running;
    /** Invocations the ramp allows so far (all of the maximum concurrency without one). */
    private volatile int granted;
    /** Whether the last receive found messages: the ramp widens only while messages wait. */
    private volatile boolean messagesWaiting;

    /** A mapping to build: its queue, function, settings and JSON mapper are required, the rest defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private EventSourceMapping(Builder builder) {
        this.sqs = Objects.requireNonNull(builder.sqs, "queue: call queue(sqs, url, arn, region) before build()");
        this.queueUrl = builder.queueUrl;
        this.queueArn = builder.queueArn;
        this.region = builder.region;
        this.function = Objects.requireNonNull(builder.function, "function: call function(...) before build()");
        this.settings = Objects.requireNonNull(builder.settings, "settings: call settings(...) before build()");
        this.json = Objects.requireNonNull(builder.json, "json: call json(...) before build()");
        this.trigger = builder.trigger;
        this.clock = builder.clock;
        this.sleeper = builder.sleeper;
        if (settings.maximumConcurrency() > function.reservedConcurrency()) {
            log.warn(
                    "ESM maximum concurrency {} is above the function's reserved concurrency {}: batches will be "
                            + "throttled and their records may reach the DLQ. Keep maximum concurrency at or below it.",
                    settings.maximumConcurrency(),
                    function.reservedConcurrency());
        }
        this.granted = settings.scaling().allowed(0, settings.maximumConcurrency());
        this.concurrency = new Semaphore(granted);
        this.deletes = new DeleteBatcher(sqs, queueUrl, 4);
        // One poller receives up to 10 records a call; enough pollers keep every allowed container fed.
        this.maxPollers = Math.clamp((settings.maximumConcurrency() + 19) / 20, MIN_POLLERS, 50);
    }

    public EsmSettings settings() {
        return settings;
    }

    /** Whether pollers are polling: after {@link #start} of an enabled mapping, until {@link #stop}. */
    public boolean polling() {
        return running;
    }

    /** ReceiveMessage calls made so far, empty ones included. */
    public long receives() {
        return receives.get();
    }

    /** DeleteMessageBatch calls made so far: the requests, each of up to 10 records, that AWS bills. */
    public long deleteCalls() {
        return deletes.calls();
    }

    /** ReceiveMessage calls since the last that returned a message: all of them found the queue empty. */
    public long emptyReceivesInARow() {
        return emptyReceivesInARow.get();
    }

    /** Starts polling, unless the mapping is disabled. */
    public synchronized void start() {
        if (running || !settings.enabled()) {
            return;
        }
        running = true;
        for (int i = 0; i < MIN_POLLERS; i++) {
            addPoller();
        }
        if (granted < settings.maximumConcurrency()) {
            Thread.ofVirtual().name("esm-ramp").start(this::ramp);
        }
    }

    /** How often the ramp widens the mapping. */
    private static final Duration RAMP_STEP = Duration.ofMillis(200);

    /**
     * Widens the mapping on its ramp, in real time: the time messages have waited decides how many
     * invocations are allowed, and the difference is released as permits.
     */
    private void ramp() {
        double waitingSeconds = 0;
        Instant last = clock.instant();
        while (running && granted < settings.maximumConcurrency()) {
            try {
                sleeper.sleep(RAMP_STEP);
            } catch (InterruptedException e) {
                return;
            }
            Instant now = clock.instant();
            if (messagesWaiting) {
                waitingSeconds += Duration.between(last, now).toNanos() / 1e9;
            }
            last = now;
            int allowed = settings.scaling().allowed(waitingSeconds, settings.maximumConcurrency());
            if (allowed > granted) {
                concurrency.release(allowed - granted);
                granted = allowed;
            }
        }
    }

    /** Invocations the mapping allows now: its maximum concurrency, or less while it ramps up. */
    public int allowedConcurrency() {
        return granted;
    }

    /**
     * Like Lambda's pollers, the number scales with the backlog: a receive that comes back full
     * adds a poller (up to one per 20 of maximum concurrency, at most 50), and a poller whose long
     * poll comes back empty retires (down to two). Idle pollers would only split the arriving
     * records into smaller receives, each costing a call.
     */
    private void addPoller() {
        if (activePollers.incrementAndGet() > maxPollers) {
            activePollers.decrementAndGet();
            return;
        }
        // A retired poller takes itself off the list, so it does not grow for as long as serve runs.
        Thread poller = Thread.ofVirtual().name("esm-poller").unstarted(() -> {
            try {
                poll();
            } finally {
                pollers.remove(Thread.currentThread());
            }
        });
        pollers.add(poller);
        poller.start();
    }

    private boolean retirePoller() {
        while (true) {
            int active = activePollers.get();
            if (active <= MIN_POLLERS) {
                return false;
            }
            if (activePollers.compareAndSet(active, active - 1)) {
                return true;
            }
        }
    }

    /** Batches handed to the function and not yet finished, and deletes not yet sent. */
    public int inFlight() {
        return inFlight.get() + deletes.unsent();
    }

    /** Records handed to the function, redeliveries included. */
    public long deliveredRecords() {
        return deliveredRecords.get();
    }

    /**
     * Records whose invocation was throttled: the function was at its reserved concurrency, or
     * {@code --invoke-throttle-rate} chose it. As on Lambda, they stay invisible until the visibility
     * timeout and count toward maxReceiveCount.
     */
    public long throttledRecords() {
        return throttledRecords.get();
    }

    /** Records that were not deleted after their invocation: reported failures, errors, timeouts, throttles. */
    public long failedRecords() {
        return failedRecords.get();
    }

    private void poll() {
        // After a full receive the queue has a backlog: the next receive need not wait. Long polls
        // are for an empty queue; on ElasticMQ they cost a third more time per message under load.
        boolean backlog = false;
        while (running) {
            try {
                if (!concurrency.tryAcquire(LONG_POLL_SECONDS, TimeUnit.SECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            // Take more slots when free, so one receive of 10 can feed several batches of a small size.
            int slots = 1;
            int wanted = Math.max(1, MAX_RECEIVE / settings.batchSize());
            while (slots < wanted && concurrency.tryAcquire()) {
                slots++;
            }
            int asked = settings.batchSize() > MAX_RECEIVE ? settings.batchSize() : slots * settings.batchSize();
            List<Message> received;
            try {
                received = gather(asked, backlog);
            } catch (SdkException e) {
                concurrency.release(slots);
                if (running) {
                    log.warn("ESM: receiving from {} failed: {}", queueUrl, e.getMessage());
                    pause();
                }
                continue;
            } catch (InterruptedException e) {
                concurrency.release(slots);
                return;
            }
            backlog = received.size() >= Math.min(asked, MAX_RECEIVE);
            messagesWaiting = !received.isEmpty();
            if (backlog) {
                addPoller();
            } else if (received.isEmpty() && retirePoller()) {
                concurrency.release(slots);
                return;
            }
            List<List<Message>> batches = new ArrayList<>();
            for (int from = 0; from < received.size(); from += settings.batchSize()) {
                batches.add(received.subList(from, Math.min(received.size(), from + settings.batchSize())));
            }
            concurrency.release(slots - batches.size());
            for (List<Message> batch : batches) {
                inFlight.incrementAndGet();
                Thread.ofVirtual().name("esm-batch").start(() -> {
                    try {
                        deliver(batch);
                    } finally {
                        concurrency.release();
                        if (inFlight.decrementAndGet() == 0) {
                            synchronized (inFlight) {
                                inFlight.notifyAll();
                            }
                        }
                    }
                });
            }
        }
    }

    /**
     * Receives up to {@code limit} records. The batching window starts with the first record: with
     * no window the batch goes as soon as one receive returned something. With a backlog the first
     * receive does not wait; once one comes back empty, the next ones long-poll.
     */
    private List<Message> gather(int limit, boolean backlog) throws InterruptedException {
        List<Message> gathered = new ArrayList<>();
        Instant deadline = Instant.MAX;
        boolean shortPoll = backlog;
        while (running && gathered.size() < limit) {
            int wait = shortPoll
                    ? 0
                    : gathered.isEmpty()
                            ? LONG_POLL_SECONDS
                            : (int) Math.min(
                                    LONG_POLL_SECONDS,
                                    Math.max(
                                            0,
                                            Duration.between(clock.instant(), deadline)
                                                    .toSeconds()));
            int max = Math.min(MAX_RECEIVE, limit - gathered.size());
            List<Message> page = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                            .maxNumberOfMessages(max)
                            .waitTimeSeconds(wait)
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(LambdaSqsEvents.SYSTEM_ATTRIBUTES))
                    .messages();
            receives.incrementAndGet();
            if (page.isEmpty()) {
                emptyReceivesInARow.incrementAndGet();
            } else {
                emptyReceivesInARow.set(0);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            shortPoll = false;
            if (gathered.isEmpty() && !page.isEmpty()) {
                deadline = clock.instant().plus(settings.maximumBatchingWindow());
            }
            gathered.addAll(page);
            if (!gathered.isEmpty() && !clock.instant().isBefore(deadline)) {
                break;
            }
        }
        return gathered;
    }

    private void deliver(List<Message> batch) {
        deliveredRecords.addAndGet(batch.size());
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(LambdaSqsEvents.event(batch, queueArn, region));
        } catch (Exception e) {
            throw new IllegalStateException("Could not write an SQS event", e);
        }
        // The batch is the invocation's identity for faults: its records' contents and receive counts.
        InvocationResult result = function.invoke(payload, trigger, InvocationIdentity.batch(batch));
        if (result instanceof InvocationResult.Throttled throttled
                && throttled.cause() == InvocationResult.Throttled.Cause.INJECTED) {
            throttledRecords.addAndGet(batch.size());
        } else if (result instanceof InvocationResult.Throttled throttled
                && throttledRecords.getAndAdd(batch.size()) == 0) {
            log.warn(
                    "ESM: invocation throttled: {} {} record(s) stay invisible until the visibility timeout and count "
                            + "toward maxReceiveCount. Keep the mapping's maximum concurrency ({}) below the function's reserved "
                            + "concurrency, leaving room for direct invocations.",
                    throttled.errorMessage(),
                    batch.size(),
                    settings.maximumConcurrency());
        }
        Set<String> failed = switch (result) {
            case InvocationResult.Success success ->
                settings.reportBatchItemFailures() ? failuresIn(success.response(), batch) : Set.of();
            default -> allOf(batch);
        };
        failedRecords.addAndGet(failed.size());
        for (Message message : batch) {
            if (!failed.contains(message.messageId())) {
                deletes.delete(message);
            }
        }
    }

    /** The records a partial batch response names; the whole batch when the response breaks the contract. */
    private Set<String> failuresIn(byte[] response, List<Message> batch) {
        JsonNode answer;
        try {
            answer = response.length == 0 ? null : json.readTree(response);
        } catch (Exception e) {
            log.warn(
                    "ESM: the function's response is not JSON; treating the whole batch of {} as failed, as Lambda "
                            + "does",
                    batch.size());
            return allOf(batch);
        }
        BatchResponse.Outcome reading = BatchResponse.read(
                answer, batch.stream().map(Message::messageId).toList());
        if (reading instanceof BatchResponse.Outcome.BrokenContract broken) {
            log.warn(
                    "ESM: {}; treating the whole batch of {} as failed, as Lambda does", broken.reason(), batch.size());
        }
        return reading.failedMessageIds();
    }

    private static Set<String> allOf(List<Message> batch) {
        Set<String> all = new HashSet<>();
        batch.forEach(message -> all.add(message.messageId()));
        return all;
    }

    private void pause() {
        try {
            sleeper.sleep(Duration.ofMillis(200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Tells the pollers to stop after their current receive, without waiting for them: stopping
     * several mappings this way first lets their long polls end at once. {@link #stop} waits.
     */
    public synchronized void stopPolling() {
        running = false;
    }

    /**
     * Stops polling and waits up to {@code grace} for batches in flight to finish. Records not yet
     * delivered stay on the queue; records of unfinished batches come back after their visibility timeout.
     *
     * @return whether every batch in flight finished in time
     */
    public boolean stop(Duration grace) throws InterruptedException {
        stopPolling();
        for (Thread poller : pollers) {
            poller.join(Duration.ofSeconds(LONG_POLL_SECONDS + 5));
        }
        Instant deadline = clock.instant().plus(grace);
        synchronized (inFlight) {
            while (inFlight.get() > 0 && clock.instant().isBefore(deadline)) {
                // Woken by the last batch to finish; the bound re-reads the clock should that clock be a test's.
                inFlight.wait(
                        Math.clamp(Duration.between(clock.instant(), deadline).toMillis(), 1, 100));
            }
        }
        deletes.close();
        return inFlight.get() == 0;
    }

    @Override
    public void close() {
        try {
            stop(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The parts of a mapping: {@link #queue}, {@link #function}, {@link #settings} and {@link #json}
     * are required; the trigger is {@link Trigger#SQS}, the clock the system's UTC clock and the
     * sleeper the system's unless set.
     */
    public static final class Builder {

        private SqsClient sqs;
        private String queueUrl;
        private String queueArn;
        private String region;
        private FunctionRuntime function;
        private EsmSettings settings;
        private ObjectMapper json;
        private Trigger trigger = Trigger.SQS;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();

        private Builder() {}

        /** The queue the mapping polls, through {@code sqs}: its URL, its ARN and region as its records name them. */
        public Builder queue(SqsClient sqs, String queueUrl, String queueArn, String region) {
            this.sqs = Objects.requireNonNull(sqs, "sqs");
            this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
            this.queueArn = Objects.requireNonNull(queueArn, "queueArn");
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The function the mapping invokes with its batches. */
        public Builder function(FunctionRuntime function) {
            this.function = Objects.requireNonNull(function, "function");
            return this;
        }

        public Builder settings(EsmSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Writes the batches' events and reads the function's responses. */
        public Builder json(ObjectMapper json) {
            this.json = Objects.requireNonNull(json, "json");
            return this;
        }

        /** How the function is told it was invoked: {@link Trigger#SQS}, or the DLQ's own. */
        public Builder trigger(Trigger trigger) {
            this.trigger = Objects.requireNonNull(trigger, "trigger");
            return this;
        }

        /** Times the batching window and the grace of {@link EventSourceMapping#stop}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Waits out the pause after a failed receive. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public EventSourceMapping build() {
            return new EventSourceMapping(this);
        }
    }
}
