package dev.loadsplitter.engine.config;

import dev.loadsplitter.engine.internal.config.EngineSettings;
import java.util.List;
import java.util.Map;

/**
 * Every environment variable the engine reads, each a {@link Setting} with its name, default and description:
 * what configures a function (Terraform, the CLI's options, a test's environment) names them from here. The
 * engine reads them once per container into its own, internal, settings; {@link #check} reads them the same way.
 *
 * <pre>{@code
 * Map<String, String> environment = Map.of(Settings.MAX_ITEMS_PER_TASK.name(), "25");
 * Settings.check(environment); // an InvalidSettingException names the variable, its value and what it accepts
 * }</pre>
 */
public final class Settings {

    public static final Setting TASK_TYPE = EngineSettings.TASK_TYPE;
    public static final Setting QUEUE_URL = EngineSettings.QUEUE_URL;
    public static final Setting DISPATCH = EngineSettings.DISPATCH;
    public static final Setting DISPATCH_QUALIFIER = EngineSettings.DISPATCH_QUALIFIER;
    public static final Setting FUNCTION_NAME = EngineSettings.FUNCTION_NAME;
    public static final Setting QUEUE_NAME = EngineSettings.QUEUE_NAME;
    public static final Setting MAX_ITEMS_PER_TASK = EngineSettings.MAX_ITEMS_PER_TASK;
    public static final Setting MAX_MESSAGE_BYTES = EngineSettings.MAX_MESSAGE_BYTES;
    public static final Setting MAX_SPLIT_DEPTH = EngineSettings.MAX_SPLIT_DEPTH;
    public static final Setting FAN_OUT_LIMIT = EngineSettings.FAN_OUT_LIMIT;
    public static final Setting SEND_CONCURRENCY = EngineSettings.SEND_CONCURRENCY;
    public static final Setting SEND_MAX_ATTEMPTS = EngineSettings.SEND_MAX_ATTEMPTS;
    public static final Setting RECORD_CONCURRENCY = EngineSettings.RECORD_CONCURRENCY;
    public static final Setting IDEMPOTENCY = EngineSettings.IDEMPOTENCY;
    public static final Setting IDEMPOTENCY_TABLE = EngineSettings.IDEMPOTENCY_TABLE;
    public static final Setting IDEMPOTENCY_TTL = EngineSettings.IDEMPOTENCY_TTL;
    public static final Setting JOB_DEADLINE = EngineSettings.JOB_DEADLINE;
    public static final Setting TOLERATED_FAILURE_COUNT = EngineSettings.TOLERATED_FAILURE_COUNT;
    public static final Setting TOLERATED_FAILURE_PERCENTAGE = EngineSettings.TOLERATED_FAILURE_PERCENTAGE;
    public static final Setting EVENT_BUS_NAME = EngineSettings.EVENT_BUS_NAME;
    public static final Setting MAX_RECEIVE_COUNT = EngineSettings.MAX_RECEIVE_COUNT;
    public static final Setting INVOKE_MAX_ATTEMPTS = EngineSettings.INVOKE_MAX_ATTEMPTS;
    public static final Setting DEAD_LETTER_QUEUE_ARN = EngineSettings.DEAD_LETTER_QUEUE_ARN;
    public static final Setting PARKED_QUEUE_URL = EngineSettings.PARKED_QUEUE_URL;

    /**
     * Every variable the engine reads that a deployment sets;
     * {@link #FUNCTION_NAME}, which Lambda itself sets in every execution environment, is read too but is not
     * among them.
     */
    public static final List<Setting> ALL = EngineSettings.SETTINGS;

    private Settings() {}

    /**
     * Reads and checks every setting in {@code environment} as the engine does when a container starts.
     *
     * @throws InvalidSettingException naming the first variable whose value the engine would refuse, its value and
     *     what it accepts
     */
    public static void check(Map<String, String> environment) {
        EngineSettings.from(environment);
    }
}
