package dev.loadsplitter.local.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.local.container.FunctionLog;
import dev.loadsplitter.local.container.InvocationListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The function's log as CloudWatch Logs would hold it, printed as it happens: Lambda's own
 * {@code START}, {@code END} and {@code REPORT} lines, exactly as Lambda writes them, the function's
 * log events, and a {@code LOCAL} line of ours with what the invocation did. Every line starts with
 * its time. In {@link Format#JSON} (Lambda's JSON log format) each is one JSON object per line
 * instead: Lambda's {@code platform.start}/{@code platform.report} records, and the function's
 * events with {@code timestamp}, {@code level}, {@code requestId} and {@code message}.
 *
 * <p>In text, every value is kept on its line: a CR or LF inside a request id, a message or an
 * error (and NEL, U+2028, U+2029) is written as an escape ({@link #oneLine}), so no value can end
 * a line and start one that reads as another event. A log event of several lines (a stack trace
 * logged in one {@code LambdaLogger} call) is one event, so it is one line here too.
 *
 * <p>{@code Max Memory Used} is left out: containers share one JVM here, so no honest per-container
 * figure exists (docs/local-runtime.md says so).
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html">Lambda log
 *     formats</a> (read 2026-11-26)
 */
public final class InvocationLog implements InvocationListener, FunctionLog {

    /** Lambda's two log formats, {@code AWS_LAMBDA_LOG_FORMAT}. */
    public enum Format {
        TEXT("Text"),
        JSON("JSON");

        private final String lambdaName;

        Format(String lambdaName) {
            this.lambdaName = lambdaName;
        }

        /** The value of {@code AWS_LAMBDA_LOG_FORMAT}: {@code Text} or {@code JSON}. */
        public String lambdaName() {
            return lambdaName;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final int memoryMb;
    private final Format format;

    public InvocationLog(PrintStream out, int memoryMb, Format format) {
        this.out = Objects.requireNonNull(out, "out");
        this.memoryMb = memoryMb;
        this.format = Objects.requireNonNull(format, "format");
    }

    @Override
    public void started(Started started) {
        if (format == Format.JSON) {
            ObjectNode record = JSON.createObjectNode()
                    .put("requestId", started.requestId())
                    .put("version", "$LATEST");
            print(platform(started.at(), "platform.start", record));
        } else {
            print(stamp(started.at()) + " " + startLine(started.requestId()));
        }
    }

    @Override
    public void event(String requestId, Instant at, String message) {
        if (format == Format.JSON) {
            print(jsonEvent(requestId, at, message));
        } else {
            print(stamp(at) + (requestId.isEmpty() ? "" : "\t" + oneLine(requestId)) + "\t" + oneLine(message));
        }
    }

    /** Prints the END and REPORT lines of a finished invocation, and what it did. */
    public void ended(InvocationRecord record) {
        double millis = record.duration().toNanos() / 1e6;
        double initMillis =
                record.initDuration().map(init -> init.toNanos() / 1e6).orElse(0.0);
        long billed = billedMillis(record.duration(), record.initDuration());
        if (format == Format.JSON) {
            ObjectNode metrics = JSON.createObjectNode()
                    .put("durationMs", round(millis))
                    .put("billedDurationMs", billed)
                    .put("memorySizeMB", memoryMb);
            record.initDuration().ifPresent(init -> metrics.put("initDurationMs", round(initMillis)));
            ObjectNode report = JSON.createObjectNode().put("requestId", record.requestId());
            report.set("metrics", metrics);
            report.put("status", record.error().isPresent() ? "error" : "success");
            print(platform(record.end(), "platform.report", report));
            print(platform(record.end(), "loadsplitter.invocation", local(record)));
            return;
        }
        print(stamp(record.end()) + " " + endLine(record.requestId()) + System.lineSeparator()
                + stamp(record.end()) + " "
                + reportLine(record.requestId(), record.duration(), record.initDuration(), memoryMb)
                + System.lineSeparator() + stamp(record.end()) + " " + localText(record));
    }

    /** Lambda's {@code START} line, without its time. */
    public static String startLine(String requestId) {
        return "START RequestId: " + oneLine(requestId) + " Version: $LATEST";
    }

    /** Lambda's {@code END} line, without its time. */
    public static String endLine(String requestId) {
        return "END RequestId: " + oneLine(requestId);
    }

    /**
     * {@code value} with its line ends (CR, LF, NEL, U+2028, U+2029) written as escapes, so it stays
     * on the line it is printed on. Backslashes stay as they are: no escape makes a line break.
     */
    public static String oneLine(String value) {
        StringBuilder escaped = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String replacement = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\u0085' -> "\\u0085";
                case '\u2028' -> "\\u2028";
                case '\u2029' -> "\\u2029";
                default -> null;
            };
            if (replacement != null && escaped == null) {
                escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (escaped != null) {
                if (replacement != null) {
                    escaped.append(replacement);
                } else {
                    escaped.append(c);
                }
            }
        }
        return escaped == null ? value : escaped.toString();
    }

    /** Lambda's {@code REPORT} line, without its time. */
    public static String reportLine(String requestId, Duration duration, Optional<Duration> init, int memoryMb) {
        double millis = duration.toNanos() / 1e6;
        double initMillis = init.map(value -> value.toNanos() / 1e6).orElse(0.0);
        StringBuilder report = new StringBuilder(String.format(
                Locale.ROOT,
                "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB",
                oneLine(requestId),
                millis,
                billedMillis(duration, init),
                memoryMb));
        init.ifPresent(value -> report.append(String.format(Locale.ROOT, "\tInit Duration: %.2f ms", initMillis)));
        return report.toString();
    }

    /**
     * Duration and initialisation, rounded up to the millisecond: since 1 August 2025 Lambda bills the INIT
     * phase of on-demand functions too
     * (https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/).
     */
    private static long billedMillis(Duration duration, Optional<Duration> init) {
        return (long)
                Math.ceil((duration.toNanos() + init.map(Duration::toNanos).orElse(0L)) / 1e6);
    }

    /** Our own line: how the invocation was made and what it did. */
    private static String localText(InvocationRecord record) {
        StringBuilder line = new StringBuilder("LOCAL RequestId: ")
                .append(oneLine(record.requestId()))
                .append("\tTrigger: ")
                .append(record.trigger().name().toLowerCase(Locale.ROOT))
                .append("\tColdStart: ")
                .append(record.coldStart())
                .append("\tKind: ")
                .append(record.kind().name().toLowerCase(Locale.ROOT));
        if (record.records() > 0) {
            line.append("\tRecords: ").append(record.records());
            if (record.failedRecords() > 0) {
                line.append(" (").append(record.failedRecords()).append(" failed)");
            }
        }
        if (record.itemsProcessed() > 0) {
            line.append("\tProcessed: ").append(record.itemsProcessed());
        }
        if (record.itemsSplit() > 0) {
            line.append("\tSplit: ").append(record.itemsSplit());
        }
        if (record.subTasks() > 0) {
            line.append("\tSubTasks: ").append(record.subTasks());
        }
        record.error().ifPresent(error -> line.append("\tError: ").append(oneLine(error)));
        return line.toString();
    }

    private static ObjectNode local(InvocationRecord record) {
        ObjectNode node = JSON.createObjectNode()
                .put("requestId", record.requestId())
                .put("trigger", record.trigger().name().toLowerCase(Locale.ROOT))
                .put("coldStart", record.coldStart())
                .put("kind", record.kind().name().toLowerCase(Locale.ROOT))
                .put("records", record.records())
                .put("failedRecords", record.failedRecords())
                .put("itemsProcessed", record.itemsProcessed())
                .put("itemsSplit", record.itemsSplit())
                .put("subTasks", record.subTasks());
        record.error().ifPresent(error -> node.put("error", error));
        return node;
    }

    private static String platform(Instant at, String type, ObjectNode record) {
        ObjectNode node = JSON.createObjectNode().put("time", stamp(at)).put("type", type);
        node.set("record", record);
        return node.toString();
    }

    /**
     * One application log event as a JSON object: an event that is one already (the runtime's JSON
     * logger writes such) keeps its keys and gains {@code requestId}; any other line becomes the
     * {@code message} of one.
     */
    private static String jsonEvent(String requestId, Instant at, String message) {
        ObjectNode node = null;
        if (message.startsWith("{")) {
            try {
                JsonNode parsed = JSON.readTree(message);
                if (parsed instanceof ObjectNode object) {
                    node = object;
                }
            } catch (JsonProcessingException e) {
                // Not JSON after all: wrapped below.
            }
        }
        if (node == null) {
            node = JSON.createObjectNode()
                    .put("timestamp", stamp(at))
                    .put("level", "INFO")
                    .put("message", message);
        }
        if (!requestId.isEmpty() && !node.has("requestId")) {
            node.put("requestId", requestId);
        }
        return node.toString();
    }

    /** ISO-8601 in UTC to the millisecond, as Lambda stamps its log events. */
    private static String stamp(Instant at) {
        return STAMP.format(at);
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }

    private void print(String text) {
        out.println(text);
    }
}
