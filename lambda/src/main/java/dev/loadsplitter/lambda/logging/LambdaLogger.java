package dev.loadsplitter.lambda.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Writes one log line to stdout per call: {@code [LEVEL] Name - message} in text, or Lambda's JSON
 * log object with the MDC's keys. A throwable's stack trace follows in text, or goes in
 * {@code errorType}, {@code errorMessage} and {@code stackTrace} (causes and suppressed ones included)
 * in JSON, so the event stays one line. In text, a CR or LF inside the message
 * or the trace's messages is escaped, so it cannot start a line that looks like another event.
 */
final class LambdaLogger extends LegacyAbstractLogger {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String shortName;

    LambdaLogger(String name) {
        this.name = name;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public boolean isTraceEnabled() {
        return LogFormat.enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return LogFormat.enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return LogFormat.enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return LogFormat.enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return LogFormat.enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
            Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        String line = LogFormat.json() ? json(level, message, throwable) : text(level, message, throwable);
        System.out.println(line);
    }

    /** One line, and the throwable's stack trace on lines of its own; no value can end a line (LogLines). */
    private String text(Level level, String message, Throwable throwable) {
        String line = "[" + level + "] " + shortName + " - " + LogLines.escape(message);
        return throwable == null ? line : line + System.lineSeparator() + LogLines.stackTrace(throwable);
    }

    private String json(Level level, String message, Throwable throwable) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("timestamp", STAMP.format(Instant.now()));
            json.writeStringField("level", level.toString());
            json.writeStringField("message", message);
            json.writeStringField("logger", name);
            Map<String, String> context = MDC.getCopyOfContextMap();
            if (context != null) {
                for (Map.Entry<String, String> entry : context.entrySet()) {
                    json.writeStringField(entry.getKey(), entry.getValue());
                }
            }
            if (throwable != null) {
                json.writeStringField("errorType", throwable.getClass().getName());
                json.writeStringField("errorMessage", String.valueOf(throwable.getMessage()));
                json.writeStringField("stackTrace", stackTrace(throwable));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String stackTrace(Throwable throwable) {
        StringWriter trace = new StringWriter();
        throwable.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}
