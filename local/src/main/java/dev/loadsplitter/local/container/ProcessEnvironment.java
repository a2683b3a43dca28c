package dev.loadsplitter.local.container;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment of a function's JVM: the function's variables and those Lambda itself sets,
 * as a {@code java21} execution environment has them.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime">
 *     Defined runtime environment variables</a> (read 2026-11-26)
 */
public final class ProcessEnvironment {

    /**
     * Keys Lambda reserves: a function's configuration may not set them (Lambda refuses the update),
     * because the runtime does.
     */
    public static final Set<String> RESERVED = Set.of(
            "_HANDLER",
            "_X_AMZN_TRACE_ID",
            "AWS_DEFAULT_REGION",
            "AWS_REGION",
            "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE",
            "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API",
            "LAMBDA_TASK_ROOT",
            "LAMBDA_RUNTIME_DIR");

    private ProcessEnvironment() {}

    /**
     * @param region the region the runtime reports, unless the function's environment (the runtime's
     *               own settings, such as the embedded SQS server's) names one
     */
    static Map<String, String> of(FunctionDefinition function, String region) {
        Map<String, String> environment = new TreeMap<>(function.environment());
        environment.putIfAbsent("AWS_REGION", region);
        environment.put("AWS_DEFAULT_REGION", environment.get("AWS_REGION"));
        environment.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        environment.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.name());
        environment.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/[$LATEST]" + function.name());
        environment.putIfAbsent("AWS_LAMBDA_LOG_FORMAT", "Text");
        environment.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        environment.put("_HANDLER", function.handler());
        environment.put(
                "LAMBDA_TASK_ROOT", function.jar().toAbsolutePath().getParent().toString());
        environment.put("LANG", "en_US.UTF-8");
        environment.put("TZ", ":UTC");
        environment.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        return environment;
    }
}
