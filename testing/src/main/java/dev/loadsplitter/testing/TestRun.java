package dev.loadsplitter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.ItemResult;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.testing.simulation.Faults;
import dev.loadsplitter.testing.simulation.Simulation;
import dev.loadsplitter.testing.simulation.SimulationSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a task type through the whole pattern in memory, for a unit test: the event read as the
 * function reads it, split (hierarchically when large) into sub-tasks on a queue, every sub-task
 * delivered by an event source mapping to containers that run at the same time, failed items
 * retried and dead-lettered after the last receive, the job counted in its ledger and closed. It is
 * the engine's own code against an SQS queue, a dead-letter queue and a DynamoDB ledger simulated
 * in memory, with time simulated too, so a visibility timeout or a retry's wait costs nothing: a
 * sub-task costs a few milliseconds of the test's time (2,000 items in 400 sub-tasks, about 3 s).
 *
 * <pre>{@code
 * TestRun.Result run = TestRun.of(new Squares())
 *         .maxItemsPerTask(10)
 *         .crashRate(0.05)
 *         .run("{\"numbers\": [0, 1, 2, -3]}");
 *
 * assertEquals(JobStatus.COMPLETED_WITH_FAILURES, run.job().status());
 * assertEquals("{\"index\":2,\"result\":4}", run.lines().get(2));
 * assertEquals(1, run.job().deadLettered());
 * }</pre>
 *
 * <p>A run is deterministic: one seed ({@link #seed}, 1 unless set) decides how the concurrent
 * invocations interleave and where every fault strikes, so a failing test fails the same way every
 * time. Work runs on the test's own threads, one invocation at a time; time inside it is simulated
 * (each item's work takes 100 ms of it), and {@code WorkContext.timeLeft()} counts down from the
 * simulated function timeout of 5 s. Each setting returns a new {@code TestRun}; the defaults are
 * the function's own (one item per sub-task, a fan-out limit of 1,000), SQS's (5 receives before the
 * dead-letter queue) and no faults.
 */
public final class TestRun {

    private final TaskType<?> type;
    private int maxItemsPerTask = 1;
    private int fanOutLimit = SplitPolicy.DEFAULT_FAN_OUT_LIMIT;
    private int maxReceiveCount = 5;
    private int batchSize = 1;
    private int concurrency = 50;
    private LedgerTolerance tolerance = LedgerTolerance.none();
    private double crashRate;
    private double failureRate;
    private double duplicateDeliveryRate;
    private double awsFaultRate;
    private long seed = 1;

    private TestRun(TaskType<?> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /** A run of {@code type} with the defaults: nothing goes wrong but the task type's own failures. */
    public static TestRun of(TaskType<?> type) {
        return new TestRun(type);
    }

    // -- the function and its queue

    /** {@code MAX_ITEMS_PER_TASK}: the most items a sub-task holds (default 1). */
    public TestRun maxItemsPerTask(int items) {
        TestRun next = copy();
        next.maxItemsPerTask = items;
        next.policy();
        return next;
    }

    /**
     * {@code FAN_OUT_LIMIT}: the most sub-tasks one invocation queues (default 1,000); a task needing
     * more is cut into that many larger ones, which split again.
     */
    public TestRun fanOutLimit(int subTasks) {
        TestRun next = copy();
        next.fanOutLimit = subTasks;
        next.policy();
        return next;
    }

    /** The work queue's receives before SQS moves a message to the dead-letter queue (default 5). */
    public TestRun maxReceiveCount(int receives) {
        TestRun next = copy();
        next.maxReceiveCount = atLeastOne("maxReceiveCount", receives);
        return next;
    }

    /** The event source mapping's batch size: sub-tasks per invocation (default 1). */
    public TestRun batchSize(int records) {
        TestRun next = copy();
        next.batchSize = atLeastOne("batchSize", records);
        return next;
    }

    /** The event source mapping's maximum concurrency: invocations at once (default 50). */
    public TestRun concurrency(int invocations) {
        TestRun next = copy();
        next.concurrency = atLeastOne("concurrency", invocations);
        return next;
    }

    /**
     * {@code TOLERATED_FAILURE_COUNT}: once more items than this are dead-lettered, the job stops,
     * its items not started are skipped, and it closes as {@code FAILED} (default: no bound).
     */
    public TestRun toleratedFailureCount(long items) {
        if (items < 0) {
            throw new IllegalArgumentException("toleratedFailureCount must be 0 or more, got " + items);
        }
        TestRun next = copy();
        next.tolerance = new LedgerTolerance(items, tolerance.percentage());
        return next;
    }

    /** {@code TOLERATED_FAILURE_PERCENTAGE}: as {@link #toleratedFailureCount}, as a share of the job's items, 0 to 100. */
    public TestRun toleratedFailurePercentage(double percentage) {
        if (!(percentage >= 0 && percentage <= 100)) {
            throw new IllegalArgumentException("toleratedFailurePercentage must be from 0 to 100, got " + percentage);
        }
        TestRun next = copy();
        next.tolerance = new LedgerTolerance(tolerance.count(), percentage);
        return next;
    }

    // -- what goes wrong

    /**
     * How often a container dies in the middle of a sub-task's work, 0 to 1 (default 0): the work
     * is lost, and the sub-task comes back after its visibility timeout with its receive count raised.
     */
    public TestRun crashRate(double rate) {
        TestRun next = copy();
        next.crashRate = rate("crashRate", rate);
        return next;
    }

    /**
     * How often a sub-task's work fails before it starts, as a transient error would fail it, 0 to 1
     * (default 0): every item of the sub-task runs again on its next delivery.
     */
    public TestRun failureRate(double rate) {
        TestRun next = copy();
        next.failureRate = rate("failureRate", rate);
        return next;
    }

    /**
     * How often SQS delivers a batch twice, and EventBridge the event, 0 to 1 (default 0): the
     * ledger makes the second delivery of finished work do nothing.
     */
    public TestRun duplicateDeliveryRate(double rate) {
        TestRun next = copy();
        next.duplicateDeliveryRate = rate("duplicateDeliveryRate", rate);
        return next;
    }

    /**
     * Every fault the AWS services produce, at this rate per call, 0 to 1 (default 0): DynamoDB
     * conflicts, throttles and lost answers, SendMessageBatch applied twice, PutEvents lost, throttled
     * invocations; containers killed between calls at a thirtieth of it, restarts at a hundredth.
     */
    public TestRun awsFaultRate(double rate) {
        TestRun next = copy();
        next.awsFaultRate = rate("awsFaultRate", rate);
        return next;
    }

    /** The seed that decides every interleaving and fault (default 1): another seed, another schedule. */
    public TestRun seed(long seed) {
        TestRun next = copy();
        next.seed = seed;
        return next;
    }

    // -- running

    /**
     * Sends {@code event} (JSON) to the function as EventBridge does and runs until its job closes.
     *
     * @throws IllegalArgumentException when the task type refuses the event (invalid or ignored): no job starts
     * @throws IllegalStateException when the event never opened its job (its every attempt failed, even after
     *     a redrive) or the job never closed
     */
    public Result run(String event) {
        return run(event.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #run(String)}, for the event's UTF-8 bytes. */
    public Result run(byte[] event) {
        JsonNode tree;
        try {
            tree = EventJson.shared().readTree(event);
        } catch (IOException e) {
            throw new IllegalArgumentException("The event is not JSON: " + e.getMessage(), e);
        }
        switch (type.read(tree)) {
            case Reading.Invalid<?> invalid ->
                throw new IllegalArgumentException(
                        "The event is invalid for task type " + type.name() + ": " + invalid.describe());
            case Reading.Ignored<?> ignored ->
                throw new IllegalArgumentException(
                        "Task type " + type.name() + " ignores the event (" + ignored.reason() + "): no job starts");
            case Reading.Accepted<?> accepted -> {}
        }
        String jobId = JobIds.derive(tree);
        return simulate(type, event, jobId);
    }

    private <T> Result simulate(TaskType<T> of, byte[] event, String jobId) {
        SimulationSettings settings = settings();
        Simulation<T> simulation = new Simulation<>(of, settings);
        Simulation.Outcome outcome;
        try {
            outcome = simulation.run(event);
            if (outcome.ledger().job(jobId).isEmpty()) {
                // Every asynchronous attempt at the event failed before it opened its job: the event waits in the
                // failed-events queue, and a redrive (load-splitter dlq redrive) runs it again.
                outcome = simulation.redrive();
            }
        } catch (Simulation.StuckException e) {
            throw new IllegalStateException("The job of the event did not close: " + e.getMessage(), e);
        }
        JobRecord job = outcome.ledger()
                .job(jobId)
                .orElseThrow(() -> new IllegalStateException("The event never opened its job " + jobId
                        + ": every attempt at it failed, and at its redrive too (seed " + settings.seed()
                        + "); lower the fault rates"));
        List<ItemResult> results = new ArrayList<>();
        outcome.ledger().itemResults(jobId, results::add);
        return new Result(job, results, outcome.events(), outcome.counts().invocations());
    }

    private Faults faults() {
        Faults all = Faults.all(awsFaultRate);
        return new Faults(
                all.busy(),
                all.lostAnswer(),
                all.lostAnswerRetried(),
                all.crashAfterCall(),
                all.crashBeforeCall(),
                all.sendDuplicate(),
                all.publishLost(),
                all.publishFailed(),
                Math.max(all.workFailed(), failureRate),
                Math.max(all.crashInWork(), crashRate),
                Math.max(all.duplicateDelivery(), duplicateDeliveryRate),
                all.invokeThrottled(),
                all.kill(),
                all.restart());
    }

    /**
     * What a run came to.
     *
     * @param job the job's record: its status and reason, and how many items were processed, dead-lettered, skipped
     * @param results what became of each item, in index order, one each: its result, its error, or skipped
     * @param completionEvents the job's completion events as published, in order: one, unless a fault had one
     *     published twice (at least once, as EventBridge delivers)
     * @param invocations the function's invocations, the original event's and every sub-task batch's
     */
    public record Result(JobRecord job, List<ItemResult> results, List<JobRecord> completionEvents, long invocations) {

        public Result {
            Objects.requireNonNull(job, "job");
            results = List.copyOf(results);
            completionEvents = List.copyOf(completionEvents);
        }

        /**
         * The results as {@code load-splitter jobs results} prints them, one JSON line per item:
         * {@code {"index":0,"result":0}}, {@code {"index":3,"error":{"type":…,"message":…}}},
         * {@code {"index":9,"skipped":true}}.
         */
        public List<String> lines() {
            return results.stream().map(result -> result.toJson().toString()).toList();
        }
    }

    // -- settings

    private TestRun copy() {
        TestRun next = new TestRun(type);
        next.maxItemsPerTask = maxItemsPerTask;
        next.fanOutLimit = fanOutLimit;
        next.maxReceiveCount = maxReceiveCount;
        next.batchSize = batchSize;
        next.concurrency = concurrency;
        next.tolerance = tolerance;
        next.crashRate = crashRate;
        next.failureRate = failureRate;
        next.duplicateDeliveryRate = duplicateDeliveryRate;
        next.awsFaultRate = awsFaultRate;
        next.seed = seed;
        return next;
    }

    /** The split policy, checked: the engine's own limits and their messages. */
    private SplitPolicy policy() {
        return new SplitPolicy(maxItemsPerTask, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8, fanOutLimit);
    }

    /** The deployment simulated: Lambda's and SQS's defaults with this run's settings. */
    private SimulationSettings settings() {
        SimulationSettings d = SimulationSettings.defaults(seed);
        return new SimulationSettings(
                policy(),
                d.functionTimeout(),
                d.visibilityTimeout(),
                maxReceiveCount,
                d.retention(),
                batchSize,
                concurrency,
                d.workTime(),
                d.timeToLive(),
                d.jobDeadline(),
                tolerance,
                d.sweepEvery(),
                faults(),
                seed,
                d.maxSteps(),
                d.cancelAfter());
    }

    private static int atLeastOne(String setting, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(setting + " must be at least 1, got " + value);
        }
        return value;
    }

    private static double rate(String setting, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(setting + " is a share of attempts from 0 to 1, got " + rate);
        }
        return rate;
    }
}
