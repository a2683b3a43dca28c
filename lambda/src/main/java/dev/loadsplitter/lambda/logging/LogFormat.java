package dev.loadsplitter.lambda.logging;

import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * How the function's log lines look: Lambda's {@code AWS_LAMBDA_LOG_FORMAT} ({@code Text} or
 * {@code JSON}) and, in JSON, its application log level {@code AWS_LAMBDA_LOG_LEVEL}, read from
 * the process environment, or from the environment a runtime hands the handler as a map.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html">Lambda's
 *     log-level and format controls</a> (read 2026-11-26)
 */
public final class LogFormat {

    private static volatile boolean json = isJson(System.getenv());
    private static volatile Level threshold = threshold(System.getenv());

    private LogFormat() {}

    /** Takes the format and level from {@code environment}, for a handler given its environment as a map. */
    public static void use(Map<String, String> environment) {
        json = isJson(environment);
        threshold = threshold(environment);
    }

    static boolean json() {
        return json;
    }

    static boolean enabled(Level level) {
        return level.toInt() >= threshold.toInt();
    }

    private static boolean isJson(Map<String, String> environment) {
        return "JSON".equalsIgnoreCase(environment.getOrDefault("AWS_LAMBDA_LOG_FORMAT", "Text"));
    }

    private static Level threshold(Map<String, String> environment) {
        String level = environment.getOrDefault("AWS_LAMBDA_LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT);
        return switch (level) {
            case "TRACE" -> Level.TRACE;
            case "DEBUG" -> Level.DEBUG;
            case "WARN" -> Level.WARN;
            case "ERROR", "FATAL" -> Level.ERROR;
            default -> Level.INFO;
        };
    }
}
