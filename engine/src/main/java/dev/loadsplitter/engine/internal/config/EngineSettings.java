package dev.loadsplitter.engine.internal.config;

import dev.loadsplitter.engine.config.Dispatch;
import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.config.Idempotency;
import dev.loadsplitter.engine.config.InvalidSettingException;
import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.config.Setting;
import dev.loadsplitter.engine.internal.queue.SenderSettings;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's configuration, read once per container from the function's environment. Internal: code outside
 * the engine names the variables through {@link dev.loadsplitter.engine.config.Settings}.
 *
 * @param queueUrl the work queue's URL ({@code QUEUE_URL}), preferred over the name
 * @param queueName the work queue's name ({@code QUEUE_NAME}), looked up once when no URL is given
 * @param policy when and how to split
 * @param sender how to send sub-tasks
 * @param recordConcurrency how many records of one SQS batch run at once
 * @param idempotency where the job ledger is kept
 * @param idempotencyTable the DynamoDB table of the ledger, for dynamodb
 * @param idempotencyTtl how long the ledger keeps a record after its last change
 * @param jobDeadline how long a job may stay open before the sweep closes it as TIMED_OUT
 * @param tolerance how many failed items a job tolerates before it stops
 * @param eventBusName the bus completion events go to; empty for none
 * @param maxReceiveCount the work queue's receives before a message is dead-lettered
 * @param invokeMaxAttempts with {@code DISPATCH=invoke}, Lambda's attempts at an asynchronous invocation
 *     ({@code INVOKE_MAX_ATTEMPTS}, 1 + its retries): the failure of the last counts the sub-task as dead-lettered
 * @param deadLetterQueueArn the DLQ whose records are counted and parked, when it invokes the function
 * @param parkedQueueUrl where dead-lettered sub-tasks are parked
 * @param failedEventsQueueArn the on-failure destination of asynchronous invocations, when it invokes the
 *     function: its invocation records' events are run again, so a root split that failed every attempt finishes
 * @param dispatch how sub-tasks reach the function: the work queue or asynchronous invocations of itself
 * @param selfInvokeTarget with {@code DISPATCH=invoke}, the function name (from {@code AWS_LAMBDA_FUNCTION_NAME},
 *     which Lambda sets) with {@code :DISPATCH_QUALIFIER} when one is given; empty outside Lambda unless set
 */
public record EngineSettings(
        Optional<String> queueUrl,
        Optional<String> queueName,
        SplitPolicy policy,
        SenderSettings sender,
        int recordConcurrency,
        Idempotency idempotency,
        Optional<String> idempotencyTable,
        Duration idempotencyTtl,
        Duration jobDeadline,
        LedgerTolerance tolerance,
        Optional<String> eventBusName,
        int maxReceiveCount,
        int invokeMaxAttempts,
        Optional<String> deadLetterQueueArn,
        Optional<String> parkedQueueUrl,
        Optional<String> failedEventsQueueArn,
        Dispatch dispatch,
        Optional<String> selfInvokeTarget) {

    public static final Setting TASK_TYPE = new Setting(
            "TASK_TYPE",
            "",
            "Class name of the function's TaskType; default: the one listed in META-INF/services/dev.loadsplitter.engine.task.TaskType.");
    public static final Setting QUEUE_URL = new Setting(
            "QUEUE_URL", "", "URL of the work queue that sub-tasks are sent to. Preferred over QUEUE_NAME.");
    public static final Setting DISPATCH = new Setting(
            "DISPATCH",
            "sqs",
            "How sub-tasks reach the function: sqs (the work queue and its event source mapping) or invoke "
                    + "(asynchronous invocations of the function itself, lineage in the payload).");
    public static final Setting DISPATCH_QUALIFIER = new Setting(
            "DISPATCH_QUALIFIER",
            "",
            "With DISPATCH=invoke, the alias or version the function invokes itself at (e.g. live with SnapStart); "
                    + "empty for $LATEST.");
    /** Set by Lambda in every execution environment: the function invokes itself by it with DISPATCH=invoke. */
    public static final Setting FUNCTION_NAME =
            new Setting("AWS_LAMBDA_FUNCTION_NAME", "", "The function's own name; Lambda sets it.");

    public static final Setting QUEUE_NAME = new Setting(
            "QUEUE_NAME", "", "Name of the work queue, looked up once per container when QUEUE_URL is not set.");
    public static final Setting MAX_ITEMS_PER_TASK = new Setting(
            "MAX_ITEMS_PER_TASK",
            "1",
            "K: a task of more than K items is split into sub-tasks of at most K items (1 to 1000000).");
    public static final Setting MAX_MESSAGE_BYTES = new Setting(
            "MAX_MESSAGE_BYTES",
            Integer.toString(SplitPolicy.SQS_MAX_MESSAGE_BYTES),
            "Largest sub-task message, body and attributes, in bytes (1024 to 1048576, the SQS limit).");
    public static final Setting MAX_SPLIT_DEPTH = new Setting(
            "MAX_SPLIT_DEPTH",
            "8",
            "How many times a task may be split on its way down (1 to 15; Lambda stops loops at 16).");
    public static final Setting FAN_OUT_LIMIT = new Setting(
            "FAN_OUT_LIMIT",
            Integer.toString(SplitPolicy.DEFAULT_FAN_OUT_LIMIT),
            "The most sub-tasks one split makes; larger tasks are split in levels (2 to 1000000).");
    public static final Setting SEND_CONCURRENCY = new Setting(
            "SEND_CONCURRENCY", "8", "SendMessageBatch calls in flight at once while splitting (1 to 1000).");
    public static final Setting SEND_MAX_ATTEMPTS =
            new Setting("SEND_MAX_ATTEMPTS", "5", "Attempts per sub-task before the invocation fails (1 to 20).");
    public static final Setting RECORD_CONCURRENCY =
            new Setting("RECORD_CONCURRENCY", "10", "Records of one SQS batch processed at once (1 to 10000).");

    public static final Setting IDEMPOTENCY = new Setting(
            "IDEMPOTENCY",
            "memory",
            "Where the job ledger (claims, per-item marks, counts) is kept: dynamodb (across containers), memory (one "
                    + "container, or one local run) or off (no jobs, duplicates processed again).");
    public static final Setting IDEMPOTENCY_TABLE = new Setting(
            "IDEMPOTENCY_TABLE",
            "",
            "DynamoDB table of the job ledger (partition key pk, sort key sk, both strings; TTL attribute expiresAt), "
                    + "for IDEMPOTENCY=dynamodb.");
    public static final Setting IDEMPOTENCY_TTL = new Setting(
            "IDEMPOTENCY_TTL",
            "33d",
            "How long the ledger keeps a record after its last change: at least the longest path a message can take "
                    + "(work queue, DLQ, parked queue, redrive: 14 + 14 + 4 days with the deployment's retention, plus a "
                    + "day), so no late duplicate finds its job gone.");
    public static final Setting JOB_DEADLINE = new Setting(
            "JOB_DEADLINE",
            "5d",
            "How long a job may stay open before the sweep closes it as TIMED_OUT, its open items skipped (default: "
                    + "the work queue's 4-day retention plus a day).");
    public static final Setting TOLERATED_FAILURE_COUNT = new Setting(
            "TOLERATED_FAILURE_COUNT",
            "",
            "The most dead-lettered items a job tolerates: when more fail, it stops (no work starts, items not "
                    + "started are skipped) and closes FAILED with reason TOLERANCE_EXCEEDED (default: no limit).");
    public static final Setting TOLERATED_FAILURE_PERCENTAGE = new Setting(
            "TOLERATED_FAILURE_PERCENTAGE",
            "",
            "The most dead-lettered items a job tolerates, as a percentage of its items (0 to 100); with "
                    + "TOLERATED_FAILURE_COUNT too, the smaller bound counts (default: no limit).");

    public static final Setting EVENT_BUS_NAME = new Setting(
            "EVENT_BUS_NAME",
            "",
            "EventBridge bus a job's 'Job Completed' event is put on (default: none, no event); needs IDEMPOTENCY=dynamodb across containers.");
    public static final Setting MAX_RECEIVE_COUNT = new Setting(
            "MAX_RECEIVE_COUNT",
            "5",
            "The work queue's maxReceiveCount: a sub-task failing its receive number this many is counted into its job as dead-lettered (1 to 1000).");
    public static final Setting INVOKE_MAX_ATTEMPTS = new Setting(
            "INVOKE_MAX_ATTEMPTS",
            "3",
            "Attempts Lambda makes at an asynchronous invocation, 1 + its retries (1 to 3): with DISPATCH=invoke, a "
                    + "sub-task failing this many is counted into its job as dead-lettered.");
    public static final Setting DEAD_LETTER_QUEUE_ARN = new Setting(
            "DEAD_LETTER_QUEUE_ARN",
            "",
            "ARN of the work queue's DLQ, when it invokes the function too: its records are counted into their jobs as dead-lettered and parked.");
    public static final Setting PARKED_QUEUE_URL = new Setting(
            "PARKED_QUEUE_URL",
            "",
            "URL of the queue dead-lettered sub-tasks are parked in for 'load-splitter dlq list' and 'redrive', with DEAD_LETTER_QUEUE_ARN.");
    public static final Setting FAILED_EVENTS_QUEUE_ARN = new Setting(
            "FAILED_EVENTS_QUEUE_ARN",
            "",
            "ARN of the failed-events queue (the on-failure destination of asynchronous invocations), when it invokes "
                    + "the function too: each invocation record's event is run again, finishing a split that failed "
                    + "every attempt; needs PARKED_QUEUE_URL for the events that can never run.");

    /**
     * Every variable the engine reads that a deployment sets; {@link #FUNCTION_NAME}, which Lambda itself sets in
     * every execution environment, is read too but is not among them.
     */
    public static final List<Setting> SETTINGS = List.of(
            TASK_TYPE,
            DISPATCH,
            DISPATCH_QUALIFIER,
            QUEUE_URL,
            QUEUE_NAME,
            MAX_ITEMS_PER_TASK,
            MAX_MESSAGE_BYTES,
            MAX_SPLIT_DEPTH,
            FAN_OUT_LIMIT,
            SEND_CONCURRENCY,
            SEND_MAX_ATTEMPTS,
            RECORD_CONCURRENCY,
            IDEMPOTENCY,
            IDEMPOTENCY_TABLE,
            IDEMPOTENCY_TTL,
            JOB_DEADLINE,
            TOLERATED_FAILURE_COUNT,
            TOLERATED_FAILURE_PERCENTAGE,
            EVENT_BUS_NAME,
            MAX_RECEIVE_COUNT,
            INVOKE_MAX_ATTEMPTS,
            DEAD_LETTER_QUEUE_ARN,
            PARKED_QUEUE_URL,
            FAILED_EVENTS_QUEUE_ARN);

    public EngineSettings {
        Objects.requireNonNull(idempotency, "idempotency");
        if (recordConcurrency < 1) {
            throw new IllegalArgumentException("recordConcurrency must be at least 1, got " + recordConcurrency);
        }
    }

    /** Reads and checks every setting; an error names the variable, its value and what it accepts. */
    public static EngineSettings from(Map<String, String> environment) {
        SplitPolicy policy = new SplitPolicy(
                MAX_ITEMS_PER_TASK.readInt(environment, 1, SplitPolicy.MAX_ITEMS_PER_TASK_LIMIT),
                MAX_MESSAGE_BYTES.readInt(
                        environment, SplitPolicy.MIN_MESSAGE_BYTES, SplitPolicy.SQS_MAX_MESSAGE_BYTES),
                MAX_SPLIT_DEPTH.readInt(environment, 1, SplitPolicy.HARD_MAX_SPLIT_DEPTH),
                FAN_OUT_LIMIT.readInt(environment, 2, SplitPolicy.MAX_ITEMS_PER_TASK_LIMIT));
        SenderSettings defaults = SenderSettings.defaultSettings();
        SenderSettings sender = new SenderSettings(
                SEND_CONCURRENCY.readInt(environment, 1, 1_000),
                SEND_MAX_ATTEMPTS.readInt(environment, 1, 20),
                defaults.baseBackoff(),
                defaults.maxBackoff(),
                policy.maxMessageBytes());
        Idempotency idempotency;
        try {
            idempotency = Idempotency.parse(IDEMPOTENCY.read(environment));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(IDEMPOTENCY, IDEMPOTENCY.read(environment), e.getMessage());
        }
        Optional<String> table = optional(IDEMPOTENCY_TABLE, environment);
        Optional<String> deadLetterQueue = optional(DEAD_LETTER_QUEUE_ARN, environment);
        if (deadLetterQueue.isPresent() && !PARKED_QUEUE_URL.isSetIn(environment)) {
            throw new InvalidSettingException(
                    PARKED_QUEUE_URL,
                    "",
                    "DEAD_LETTER_QUEUE_ARN needs the queue to park " + "dead-lettered sub-tasks in");
        }
        if (FAILED_EVENTS_QUEUE_ARN.isSetIn(environment) && !PARKED_QUEUE_URL.isSetIn(environment)) {
            throw new InvalidSettingException(
                    PARKED_QUEUE_URL,
                    "",
                    "FAILED_EVENTS_QUEUE_ARN needs the queue to park failed events that can never run in");
        }
        Dispatch dispatch;
        try {
            dispatch = Dispatch.parse(DISPATCH.read(environment));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(DISPATCH, DISPATCH.read(environment), e.getMessage());
        }
        if (idempotency == Idempotency.DYNAMODB && table.isEmpty()) {
            throw new InvalidSettingException(IDEMPOTENCY_TABLE, "", "IDEMPOTENCY=dynamodb needs the table's name");
        }
        return new EngineSettings(
                optional(QUEUE_URL, environment),
                optional(QUEUE_NAME, environment),
                policy,
                sender,
                RECORD_CONCURRENCY.readInt(environment, 1, 10_000),
                idempotency,
                table,
                positive(IDEMPOTENCY_TTL, environment),
                positive(JOB_DEADLINE, environment),
                tolerance(environment),
                optional(EVENT_BUS_NAME, environment),
                MAX_RECEIVE_COUNT.readInt(environment, 1, 1_000),
                INVOKE_MAX_ATTEMPTS.readInt(environment, 1, 3),
                optional(DEAD_LETTER_QUEUE_ARN, environment),
                optional(PARKED_QUEUE_URL, environment),
                optional(FAILED_EVENTS_QUEUE_ARN, environment),
                dispatch,
                optional(FUNCTION_NAME, environment)
                        .map(name -> DISPATCH_QUALIFIER.isSetIn(environment)
                                ? name + ":" + DISPATCH_QUALIFIER.read(environment)
                                : name));
    }

    private static Duration positive(Setting setting, Map<String, String> environment) {
        Duration duration = DurationSetting.read(setting, environment);
        if (duration.isZero()) {
            throw new InvalidSettingException(setting, setting.read(environment), "expected a duration above zero");
        }
        return duration;
    }

    private static LedgerTolerance tolerance(Map<String, String> environment) {
        long count = -1;
        if (TOLERATED_FAILURE_COUNT.isSetIn(environment)) {
            count = TOLERATED_FAILURE_COUNT.readInt(environment, 0, Integer.MAX_VALUE);
        }
        double percentage = -1;
        if (TOLERATED_FAILURE_PERCENTAGE.isSetIn(environment)) {
            String raw = TOLERATED_FAILURE_PERCENTAGE.read(environment);
            try {
                percentage = Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                percentage = Double.NaN;
            }
            if (!(percentage >= 0 && percentage <= 100)) {
                throw new InvalidSettingException(
                        TOLERATED_FAILURE_PERCENTAGE, raw, "expected a number from 0 to 100, such as 5 or 2.5");
            }
        }
        return new LedgerTolerance(count, percentage);
    }

    private static Optional<String> optional(Setting setting, Map<String, String> environment) {
        return setting.isSetIn(environment) ? Optional.of(setting.read(environment)) : Optional.empty();
    }
}
