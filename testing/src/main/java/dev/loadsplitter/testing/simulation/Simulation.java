package dev.loadsplitter.testing.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.handler.DeadLetters;
import dev.loadsplitter.engine.internal.handler.EngineParts;
import dev.loadsplitter.engine.internal.handler.EventRouter;
import dev.loadsplitter.engine.internal.jobs.CompletionEvents;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.queue.SendReport;
import dev.loadsplitter.engine.internal.queue.SubTaskSendException;
import dev.loadsplitter.engine.internal.queue.SubTaskSender;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.internal.task.PerItemWork;
import dev.loadsplitter.engine.message.BatchResponse;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The whole pattern in memory, deterministically: the engine's own code (router, batch handler,
 * runner, splitter, ledger) in containers that the simulated event source mapping invokes with
 * batches from a simulated SQS queue and dead-letter queue, the original event invoked as
 * EventBridge and Lambda's asynchronous retries do, a sweep on a schedule, and the ledger in a
 * memory table that fails as DynamoDB fails. One seed decides every interleaving of concurrent
 * invocations, every fault, every moment time moves: the same seed replays the same schedule.
 *
 * <p>What it can do to the engine, each at any step: refuse a DynamoDB call (conflict, throttle),
 * apply one and lose its answer (with or without the SDK's retry), apply a SendMessageBatch twice,
 * lose a PutEvents answer or refuse it, fail or crash an item's work, kill a container between any
 * two calls or just after one took effect, time an invocation out mid-batch, let a visibility
 * timeout run out while the first holder still works, deliver a message twice, throttle the
 * mapping's invocations (receive counts burn), restart everything, and let retention drop messages.
 */
public final class Simulation<T> {

    static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:sim-queue";
    static final String DLQ_ARN = "arn:aws:sqs:us-east-1:000000000000:sim-dlq";
    private static final int DEAD_LETTER_CONCURRENCY = 10;
    private static final int ASYNC_ATTEMPTS = 3;
    private static final Duration ASYNC_RETRY_PAUSE = Duration.ofMinutes(1);

    private final TaskType<T> type;
    private final SimulationSettings settings;
    private final SplittableRandom random;
    private final SimClock clock = new SimClock(Instant.parse("2026-12-03T00:00:00Z"));
    private final Scheduler scheduler = new Scheduler(clock);
    private final MemoryLedgerTable memory = new MemoryLedgerTable(clock);
    private final SimLedgerTable table = new SimLedgerTable(memory, this);
    private final ObjectMapper json = EventJson.shared();
    private final SimQueue deadLetterQueue;
    private final SimQueue workQueue;
    private final List<SimQueue.Message> parked = new ArrayList<>();
    private final List<JobRecord> events = new ArrayList<>();
    private final List<byte[]> failedEvents = new ArrayList<>();
    private final List<EventRouter<T>> idle = new ArrayList<>();
    private final List<Async> asyncs = new ArrayList<>();
    private final List<Running<T>> running = new ArrayList<>();
    private final Counts counts = new Counts();
    private long nextSweep;
    private long cancelAt = Long.MAX_VALUE;
    private long ids;
    private final List<String> trace = new ArrayList<>();

    /** An original event waiting for an asynchronous attempt. */
    private record Async(byte[] payload, int attempt, long dueAt) {}

    /** An invocation under way, with what to do when it ends. */
    private record Running<C>(Scheduler.Actor actor, EventRouter<C> container, Consumer<Scheduler.Actor> onEnd) {}

    /** What happened during a run, for reports and failure messages. */
    public static final class Counts {
        long invocations;
        long kills;
        long timeouts;
        long restarts;
        long throttled;
        long duplicates;
        long steps;
        final Map<Decision, Long> faults = new HashMap<>();

        public long invocations() {
            return invocations;
        }

        @Override
        public String toString() {
            return "invocations " + invocations + ", kills " + kills + ", timeouts " + timeouts + ", restarts "
                    + restarts + ", throttled " + throttled + ", duplicate deliveries " + duplicates + ", steps "
                    + steps + ", faults " + faults;
        }
    }

    public Simulation(TaskType<T> type, SimulationSettings settings) {
        this.type = new SimulatedWork<>(type, this);
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
        long retention = settings.retention().toMillis();
        this.deadLetterQueue = new SimQueue(
                "sim-dlq",
                null,
                Integer.MAX_VALUE,
                Math.max(retention, Duration.ofDays(14).toMillis()),
                random.split());
        this.workQueue =
                new SimQueue("sim-queue", deadLetterQueue, settings.maxReceiveCount(), retention, random.split());
        this.nextSweep = clock.millis() + settings.sweepEvery().toMillis();
    }

    // -- running

    /** Invokes the function with {@code event} as EventBridge does, and runs until everything settles. */
    public Outcome run(byte[] event) {
        submit(event);
        settle();
        return outcome();
    }

    /**
     * Sends every parked dead letter back to the work queue and every failed event back to the
     * function, as {@code load-splitter dlq redrive} does, and runs until everything settles again.
     */
    public Outcome redrive() {
        Ledger ledger = ledger(memory);
        for (SimQueue.Message message : List.copyOf(parked)) {
            Map<String, String> attributes = message.attributes();
            if (SubTaskAttribute.lineageOf(attributes) instanceof SubTaskAttribute.ReceivedLineage.Known known) {
                long first = known.lineage().firstItem();
                ledger.redrive(
                        known.lineage().jobId(), first, first + SubTaskAttribute.ITEM_COUNT.intIn(attributes, 1));
            }
            workQueue.send(
                    new SimQueue.Message("m" + (++ids), message.body(), attributes, clock.millis()), clock.millis());
        }
        parked.clear();
        List<byte[]> again = List.copyOf(failedEvents);
        failedEvents.clear();
        again.forEach(this::submit);
        settle();
        return outcome();
    }

    private void submit(byte[] event) {
        settings.cancelAfter().ifPresent(after -> cancelAt = clock.millis() + after.toMillis());
        asyncs.add(new Async(event, 1, clock.millis()));
        if (random.nextDouble() < settings.faults().duplicateDelivery()) {
            // EventBridge delivers at least once: the same event, at once.
            asyncs.add(new Async(event, 1, clock.millis()));
            counts.duplicates++;
        }
    }

    private void settle() {
        long limit = clock.millis()
                + settings.jobDeadline().toMillis()
                + settings.retention().toMillis()
                + 12 * settings.sweepEvery().toMillis();
        while (true) {
            if (++counts.steps > settings.maxSteps() || clock.millis() > limit) {
                throw new StuckException("the schedule did not settle (seed " + settings.seed() + "): " + counts
                        + "; unsettled jobs "
                        + ledger(memory).unsettledJobs().stream()
                                .map(id -> ledger(memory)
                                                .job(id)
                                                .map(Object::toString)
                                                .orElse(id) + " header "
                                        + memory.get(
                                                new dev.loadsplitter.engine.internal.ledger.ItemKey(id, "#job"), true))
                                .toList()
                        + "; events " + events.size()
                        + "; running " + scheduler.live() + "; queue empty " + workQueue.isEmpty(clock.millis())
                        + ", DLQ empty " + deadLetterQueue.isEmpty(clock.millis()) + ", asynchronous events waiting "
                        + asyncs.size());
            }
            endFinished();
            long now = clock.millis();
            List<Runnable> options = new ArrayList<>();
            for (Running<T> invocation : running) {
                if (invocation.actor().ready(now)) {
                    options.add(() -> resume(invocation.actor()));
                }
            }
            long esm = running.stream()
                    .filter(r -> r.actor().name.startsWith("esm"))
                    .count();
            if (esm < settings.maxConcurrency() && workQueue.hasVisible(now)) {
                options.add(() -> deliver(workQueue, QUEUE_ARN, "esm"));
            }
            long dlq = running.stream()
                    .filter(r -> r.actor().name.startsWith("dlq"))
                    .count();
            if (dlq < DEAD_LETTER_CONCURRENCY && deadLetterQueue.hasVisible(now)) {
                options.add(() -> deliver(deadLetterQueue, DLQ_ARN, "dlq"));
            }
            for (Async async : List.copyOf(asyncs)) {
                if (async.dueAt() <= now) {
                    options.add(() -> invoke(async));
                }
            }
            if (now >= nextSweep) {
                options.add(this::sweep);
            }
            if (now >= cancelAt) {
                options.add(this::cancel);
            }
            if (options.isEmpty()) {
                if (settled()) {
                    return;
                }
                clock.advanceTo(nextMoment(now));
                continue;
            }
            if (random.nextDouble() < settings.faults().restart() / 10) {
                restart();
                continue;
            }
            if (random.nextDouble() < 0.03) {
                // Time passes while everything waits: leases and visibility timeouts may run out mid-work.
                long next = nextMoment(now);
                long jump = 1
                        + random.nextLong(
                                Math.max(1, settings.visibilityTimeout().toMillis()));
                clock.advanceTo(Math.min(next == Long.MAX_VALUE ? now + jump : Math.max(next, now + 1), now + jump));
                continue;
            }
            options.get(random.nextInt(options.size())).run();
        }
    }

    /** Nothing left to do: no invocation, message or event waiting, and the sweep has nothing to close. */
    private boolean settled() {
        long now = clock.millis();
        if (!running.isEmpty() || !asyncs.isEmpty() || !workQueue.isEmpty(now) || !deadLetterQueue.isEmpty(now)) {
            return false;
        }
        return ledger(memory).unsettledJobs().isEmpty();
    }

    private long nextMoment(long now) {
        long next = Math.min(nextSweep, cancelAt);
        for (Running<T> invocation : running) {
            if (invocation.actor().waiting != null) {
                next = Math.min(next, Math.max(now + 1, invocation.actor().wakeAt));
            }
        }
        for (Async async : asyncs) {
            next = Math.min(next, Math.max(now + 1, async.dueAt()));
        }
        next = Math.min(next, workQueue.nextVisible(now));
        next = Math.min(next, deadLetterQueue.nextVisible(now));
        return next;
    }

    private void resume(Scheduler.Actor actor) {
        long now = clock.millis();
        if (now > actor.deadline) {
            counts.timeouts++;
            scheduler.kill(actor, "Sandbox.Timedout: the invocation ran past the function timeout");
            return;
        }
        if (actor.waiting != null
                && !actor.waiting.kind().equals("start")
                && random.nextDouble() < settings.faults().kill()) {
            counts.kills++;
            scheduler.kill(actor, "Runtime.ExitError: the container died between two calls");
            return;
        }
        scheduler.resume(actor, decide(actor.waiting));
    }

    private void restart() {
        counts.restarts++;
        for (Running<T> invocation : List.copyOf(running)) {
            if (!invocation.actor().finished) {
                scheduler.kill(invocation.actor(), "the whole system restarted");
            }
        }
        idle.clear();
    }

    /** The fault, if any, for one step, drawn from the seed. */
    private Decision decide(Scheduler.Step step) {
        Faults faults = settings.faults();
        double draw = random.nextDouble();
        Decision decision = switch (step.kind()) {
            case "dynamodb" ->
                pick(
                        draw,
                        faults.busy(),
                        Decision.BUSY,
                        faults.lostAnswer(),
                        Decision.LOST,
                        faults.lostAnswerRetried(),
                        Decision.LOST_RETRIED,
                        faults.crashAfterCall(),
                        Decision.CRASH_AFTER,
                        faults.crashBeforeCall(),
                        Decision.CRASH_BEFORE);
            case "sqs" ->
                pick(
                        draw,
                        faults.sendDuplicate(),
                        Decision.DUPLICATE,
                        faults.lostAnswer(),
                        Decision.LOST,
                        faults.crashAfterCall(),
                        Decision.CRASH_AFTER,
                        faults.crashBeforeCall(),
                        Decision.CRASH_BEFORE,
                        0,
                        Decision.NONE);
            case "eventbridge", "park" ->
                pick(
                        draw,
                        faults.publishLost(),
                        Decision.LOST,
                        faults.publishFailed(),
                        Decision.FAIL,
                        faults.crashAfterCall(),
                        Decision.CRASH_AFTER,
                        faults.crashBeforeCall(),
                        Decision.CRASH_BEFORE,
                        0,
                        Decision.NONE);
            case "work" ->
                pick(
                        draw,
                        faults.workFailed(),
                        Decision.FAIL,
                        faults.crashInWork(),
                        Decision.CRASH,
                        0,
                        Decision.NONE,
                        0,
                        Decision.NONE,
                        0,
                        Decision.NONE);
            default -> Decision.NONE;
        };
        if (decision != Decision.NONE) {
            counts.faults.merge(decision, 1L, Long::sum);
        }
        return decision;
    }

    private static Decision pick(
            double draw,
            double a,
            Decision da,
            double b,
            Decision db,
            double c,
            Decision dc,
            double d,
            Decision dd,
            double e,
            Decision de) {
        double at = a;
        if (draw < at) {
            return da;
        }
        at += b;
        if (draw < at) {
            return db;
        }
        at += c;
        if (draw < at) {
            return dc;
        }
        at += d;
        if (draw < at) {
            return dd;
        }
        at += e;
        return draw < at ? de : Decision.NONE;
    }

    // -- invocations

    private void deliver(SimQueue queue, String arn, String mapping) {
        long now = clock.millis();
        List<SimQueue.Received> batch = queue.receive(
                mapping.equals("esm") ? settings.batchSize() : DEAD_LETTER_CONCURRENCY,
                now,
                settings.visibilityTimeout().toMillis());
        if (batch.isEmpty()) {
            return;
        }
        if (mapping.equals("esm") && random.nextDouble() < settings.faults().invokeThrottled()) {
            // The mapping could not invoke the function: the records come back after their visibility timeout,
            // their receive counts raised.
            counts.throttled++;
            return;
        }
        int copies = random.nextDouble() < settings.faults().duplicateDelivery() ? 2 : 1;
        for (int copy = 0; copy < copies; copy++) {
            if (copy > 0) {
                counts.duplicates++;
            }
            byte[] payload = sqsEvent(batch, arn);
            start(mapping, payload, actor -> {
                if (actor.killed || actor.failure != null) {
                    return;
                }
                deleteSucceeded(queue, batch, (byte[]) actor.result);
            });
        }
    }

    private void deleteSucceeded(SimQueue queue, List<SimQueue.Received> batch, byte[] answer) {
        JsonNode response;
        try {
            response = json.readTree(answer);
        } catch (java.io.IOException e) {
            return;
        }
        List<String> ids = batch.stream().map(r -> r.message().id()).toList();
        BatchResponse.Outcome reading = BatchResponse.read(response, ids);
        for (SimQueue.Received received : batch) {
            if (!reading.failedMessageIds().contains(received.message().id())) {
                queue.delete(received);
            }
        }
    }

    private void invoke(Async async) {
        asyncs.remove(async);
        start("async", async.payload(), actor -> {
            if (!actor.killed && actor.failure == null) {
                return;
            }
            if (async.attempt() < ASYNC_ATTEMPTS) {
                asyncs.add(new Async(
                        async.payload(),
                        async.attempt() + 1,
                        clock.millis() + ASYNC_RETRY_PAUSE.toMillis() * async.attempt()));
            } else {
                failedEvents.add(async.payload());
            }
        });
    }

    /** Cancels every job not settled yet, as {@code load-splitter jobs cancel} does: from outside, never faulted. */
    private void cancel() {
        cancelAt = Long.MAX_VALUE;
        Ledger ledger = ledger(memory);
        ledger.unsettledJobs()
                .forEach(jobId -> trace.add(clock.millis() + " cancel " + jobId + ": " + ledger.cancel(jobId)));
    }

    private void sweep() {
        nextSweep = clock.millis() + settings.sweepEvery().toMillis();
        start("sweep", "{\"loadSplitterSweep\":{}}".getBytes(StandardCharsets.UTF_8), actor -> {});
    }

    private void start(String kind, byte[] payload, Consumer<Scheduler.Actor> onEnd) {
        EventRouter<T> container = idle.isEmpty() ? container() : idle.removeLast();
        String requestId = kind + "-" + (++counts.invocations);
        long now = clock.millis();
        Invocation invocation = new Invocation(requestId, settings.functionTimeout(), Instant.ofEpochMilli(now));
        Scheduler.Actor actor = scheduler.spawn(
                requestId, now + settings.functionTimeout().toMillis(), () -> container.handle(payload, invocation));
        trace.add(now + " start " + requestId + " "
                + new String(payload, StandardCharsets.UTF_8)
                        .replaceAll(".*?\"messageId\":\"(m\\d+)\".*?(?=\"messageId\"|$)", "$1 "));
        running.add(new Running<>(actor, container, onEnd));
    }

    /** Runs the end of every finished invocation: its answer read, its container kept or thrown away. */
    private void endFinished() {
        for (Running<T> invocation : List.copyOf(running)) {
            if (invocation.actor().finished) {
                running.remove(invocation);
                trace.add(clock.millis() + " end " + invocation.actor().name
                        + (invocation.actor().killed
                                ? " killed: " + invocation.actor().killedBecause
                                : invocation.actor().failure != null
                                        ? " failed: " + invocation.actor().failure
                                        : " answered "
                                                + new String(
                                                        (byte[]) invocation.actor().result, StandardCharsets.UTF_8)));
                invocation.onEnd().accept(invocation.actor());
                if (!invocation.actor().killed) {
                    idle.add(invocation.container());
                }
            }
        }
    }

    private byte[] sqsEvent(List<SimQueue.Received> batch, String arn) {
        ObjectNode event = json.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (SimQueue.Received received : batch) {
            ObjectNode record = records.addObject();
            record.put("messageId", received.message().id());
            record.put("receiptHandle", received.receipt());
            record.put("body", received.message().body());
            record.putObject("attributes")
                    .put("ApproximateReceiveCount", Integer.toString(received.receiveCount()))
                    .put("SentTimestamp", Long.toString(received.message().sentAt()));
            ObjectNode attributes = record.putObject("messageAttributes");
            received.message()
                    .attributes()
                    .forEach((name, value) -> attributes
                            .putObject(name)
                            .put("stringValue", value)
                            .put("dataType", SubTaskAttribute.dataTypeOf(name)));
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", arn);
            record.put("awsRegion", "us-east-1");
        }
        try {
            return json.writeValueAsBytes(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // -- the container's parts

    private EventRouter<T> container() {
        Ledger ledger = ledger(table);
        EngineParts<T> parts = new EngineParts<>(
                type,
                json,
                new Splitter(settings.policy(), json),
                new Sender(),
                ledger,
                clock,
                new InlineExecutor(),
                1,
                () -> {},
                new JobCompletion(ledger, new Events()),
                new DeadLetters(Optional.of(DLQ_ARN), settings.maxReceiveCount(), ASYNC_ATTEMPTS, this::park));
        return new EventRouter<>(parts);
    }

    private Ledger ledger(dev.loadsplitter.engine.internal.ledger.LedgerTable on) {
        return new Ledger(
                on,
                clock,
                new LedgerSettings(
                        settings.timeToLive(),
                        settings.jobDeadline(),
                        settings.tolerance(),
                        BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(20), Duration.ofSeconds(1)),
                        10),
                pause -> stepAt("sleep", "backoff", pause.toMillis()));
    }

    /** One step of the current invocation; the scheduler's decision for it. */
    Decision stepAt(String kind, String what, long millis) {
        Object decision = scheduler.step(new Scheduler.Step(kind, what, millis));
        return decision instanceof Decision d ? d : Decision.NONE;
    }

    /** Kills the current invocation's container now; the caller throws what this returns. */
    Killed dieNow(String why) {
        Scheduler.Actor actor = scheduler.currentActor();
        actor.killed = true;
        actor.killedBecause = why;
        counts.kills++;
        return new Killed(why);
    }

    /** Notes what the current invocation does, for a failing schedule's report. */
    void trace(String what) {
        Scheduler.Actor actor = scheduler.currentActor();
        trace.add(clock.millis() + " " + (actor == null ? "-" : actor.name) + " " + what);
    }

    long workMillis() {
        return settings.workTime().toMillis();
    }

    private void park(SqsRecord record) {
        switch (stepAt("park", record.messageId(), 2)) {
            case CRASH_BEFORE -> throw dieNow("the container died before parking " + record.messageId());
            case FAIL -> throw new IllegalStateException("SendMessage to the parked queue failed (simulated)");
            default -> {}
        }
        Map<String, String> attributes = new HashMap<>(record.messageAttributes());
        // As the function's parking does: the parked copy names the dead letter it stands for.
        attributes.put(SubTaskAttribute.PARKED_FROM, record.messageId());
        parked.add(new SimQueue.Message(record.messageId(), record.body().orElse(""), attributes, clock.millis()));
    }

    /** Queues sub-tasks on the simulated work queue, ten a call, as SendMessageBatch does. */
    private final class Sender implements SubTaskSender {
        @Override
        public SendReport send(List<SubTask> subTasks, WorkContext context) {
            int sent = 0;
            for (int from = 0; from < subTasks.size(); from += 10) {
                List<SubTask> batch = subTasks.subList(from, Math.min(subTasks.size(), from + 10));
                Decision decision = stepAt("sqs", "SendMessageBatch", 2);
                if (decision == Decision.CRASH_BEFORE) {
                    throw dieNow("the container died before SendMessageBatch");
                }
                batch.forEach(this::enqueue);
                if (decision == Decision.DUPLICATE) {
                    batch.forEach(this::enqueue);
                }
                if (decision == Decision.CRASH_AFTER) {
                    throw dieNow("the container died just after SendMessageBatch");
                }
                if (decision == Decision.LOST) {
                    throw new SubTaskSendException(
                            "sim-queue", sent, subTasks.size() - sent, 1, "the answer was lost (simulated)");
                }
                sent += batch.size();
            }
            return new SendReport(sent, (subTasks.size() + 9) / 10, 0, Duration.ZERO);
        }

        private void enqueue(SubTask subTask) {
            Map<String, String> attributes = new HashMap<>();
            for (SubTaskAttribute attribute : SubTaskAttribute.values()) {
                String value = attribute.valueOf(subTask);
                if (!value.isEmpty()) {
                    attributes.put(attribute.attributeName(), value);
                }
            }
            workQueue.send(
                    new SimQueue.Message("m" + (++ids), subTask.body(), attributes, clock.millis()), clock.millis());
        }
    }

    /** The bus: keeps every completion event put on it, duplicates included. */
    private final class Events implements CompletionEvents {
        @Override
        public void publish(JobRecord job) {
            Decision decision = stepAt("eventbridge", "PutEvents", 2);
            switch (decision) {
                case CRASH_BEFORE -> throw dieNow("the container died before PutEvents");
                case FAIL -> throw new IllegalStateException("PutEvents: 1 failed entry (simulated)");
                default -> {}
            }
            events.add(job);
            if (decision == Decision.CRASH_AFTER) {
                throw dieNow("the container died just after PutEvents");
            }
            if (decision == Decision.LOST) {
                throw new IllegalStateException("PutEvents: applied, and its answer lost (simulated)");
            }
        }
    }

    /** Runs what is submitted at once on the caller's thread, so a container never has two threads at work. */
    private static final class InlineExecutor extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /**
     * The task type, its work made a step whose time passes and where faults strike. It keeps the
     * type's per-item work (a {@code JsonArrayTaskType}'s), so items fail alone and give results as
     * they do in the real handler, and hands the work a deadline on the system clock, where
     * {@link WorkContext#timeLeft()} reads it, as far ahead as the simulated deadline is.
     */
    private static final class SimulatedWork<T> implements TaskType<T>, PerItemWork<T> {
        private final TaskType<T> type;
        private final Optional<PerItemWork<T>> each;
        private final Simulation<T> simulation;

        SimulatedWork(TaskType<T> type, Simulation<T> simulation) {
            this.type = type;
            this.each = PerItemWork.of(type);
            this.simulation = simulation;
        }

        @Override
        public String name() {
            return type.name();
        }

        @Override
        public ItemNoun itemNoun() {
            return type.itemNoun();
        }

        @Override
        public Reading<T> read(JsonNode event) {
            return type.read(event);
        }

        @Override
        public int itemCount(T task) {
            return type.itemCount(task);
        }

        @Override
        public T subTask(T task, int fromIndex, int toIndex) {
            return type.subTask(task, fromIndex, toIndex);
        }

        @Override
        public JsonNode write(T task) {
            return type.write(task);
        }

        @Override
        public void process(T task, WorkContext context) throws Exception {
            step(task, context);
            type.process(task, onSystemClock(context));
        }

        @Override
        public List<PerItemWork.Outcome> processEach(T slice, WorkContext context) throws Exception {
            int items = step(slice, context);
            if (each.isPresent()) {
                return each.get().processEach(slice, onSystemClock(context));
            }
            type.process(slice, onSystemClock(context));
            return new ArrayList<>(Collections.nCopies(items, new PerItemWork.Outcome.Ok(Optional.empty())));
        }

        /** The work's step: its time passes, and a fault may fail it or kill its container. */
        private int step(T task, WorkContext context) {
            int items = type.itemCount(task);
            switch (simulation.stepAt("work", context.describe(), simulation.workMillis() * items)) {
                case FAIL -> throw new IllegalStateException("the work failed this time (simulated)");
                case CRASH -> throw simulation.dieNow("the container died in the middle of the work");
                default -> {}
            }
            return items;
        }

        private WorkContext onSystemClock(WorkContext context) {
            Instant now = simulation.clock.instant();
            return new WorkContext(
                    context.jobId(),
                    context.partId(),
                    context.sourceId(),
                    context.firstItem(),
                    context.deadline().map(at -> Instant.now().plus(Duration.between(now, at))));
        }
    }

    // -- what came of it

    /** What happened so far, line by line: invocations, ledger writes and their faults, queue moves. */
    public List<String> trace() {
        return java.util.stream.Stream.of(trace, workQueue.trace(), deadLetterQueue.trace())
                .flatMap(List::stream)
                .toList();
    }

    /** Everything a run left behind. */
    public Outcome outcome() {
        return new Outcome(
                ledger(memory),
                List.copyOf(events),
                List.copyOf(parked),
                List.copyOf(failedEvents),
                counts,
                workQueue.sent(),
                memory,
                java.util.stream.Stream.of(trace, workQueue.trace(), deadLetterQueue.trace())
                        .flatMap(List::stream)
                        .toList());
    }

    /**
     * What a run left behind: the ledger (read without faults), the completion events put on the
     * bus in order (duplicates included), the parked dead letters, the events that failed every
     * asynchronous attempt, and what happened.
     */
    public record Outcome(
            Ledger ledger,
            List<JobRecord> events,
            List<SimQueue.Message> parked,
            List<byte[]> failedEvents,
            Counts counts,
            long messagesSent,
            MemoryLedgerTable table,
            List<String> trace) {}

    /** A schedule that did not settle: a job left open, or work that never ends. */
    public static final class StuckException extends RuntimeException {
        StuckException(String message) {
            super(message);
        }
    }
}
