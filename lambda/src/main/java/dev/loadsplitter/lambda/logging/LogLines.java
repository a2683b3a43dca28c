package dev.loadsplitter.lambda.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Keeps a value on the line it is written on. In Lambda's text log format each line of stdout is a
 * log event of its own, so a CR or LF inside a value (an id, an event's field, an exception
 * message) would end the line and let the rest pass for a log line the function never wrote.
 * Line ends inside values are written as {@code \r} and {@code \n} instead; a stack trace keeps one
 * line per frame, each message inside it escaped.
 */
final class LogLines {

    private LogLines() {}

    /**
     * {@code value} with CR, LF and the other characters some readers end a line at (NEL, U+2028,
     * U+2029) written as escapes. Backslashes stay as they are: a message's paths and patterns keep
     * reading as written, and no escape can make a line break.
     */
    static String escape(String value) {
        if (value == null) {
            return "null";
        }
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

    /**
     * {@code throwable}'s stack trace as {@link Throwable#printStackTrace()} writes it (causes,
     * suppressed exceptions, frames in common folded into "... n more"), with every message and
     * frame escaped, so each of its lines is one of the trace's own. No line end after the last.
     */
    static String stackTrace(Throwable throwable) {
        StringBuilder trace = new StringBuilder();
        append(trace, throwable, new StackTraceElement[0], "", "", Collections.newSetFromMap(new IdentityHashMap<>()));
        trace.setLength(trace.length() - System.lineSeparator().length());
        return trace.toString();
    }

    private static void append(
            StringBuilder trace,
            Throwable throwable,
            StackTraceElement[] enclosing,
            String caption,
            String prefix,
            Set<Throwable> seen) {
        String newline = System.lineSeparator();
        if (!seen.add(throwable)) {
            trace.append(prefix)
                    .append(caption)
                    .append("[CIRCULAR REFERENCE: ")
                    .append(escape(throwable.toString()))
                    .append(']')
                    .append(newline);
            return;
        }
        StackTraceElement[] frames = throwable.getStackTrace();
        int own = frames.length - 1;
        int theirs = enclosing.length - 1;
        while (own >= 0 && theirs >= 0 && frames[own].equals(enclosing[theirs])) {
            own--;
            theirs--;
        }
        int inCommon = frames.length - 1 - own;
        trace.append(prefix)
                .append(caption)
                .append(escape(throwable.toString()))
                .append(newline);
        for (int i = 0; i <= own; i++) {
            trace.append(prefix)
                    .append("\tat ")
                    .append(escape(frames[i].toString()))
                    .append(newline);
        }
        if (inCommon != 0) {
            trace.append(prefix)
                    .append("\t... ")
                    .append(inCommon)
                    .append(" more")
                    .append(newline);
        }
        for (Throwable suppressed : throwable.getSuppressed()) {
            append(trace, suppressed, frames, "Suppressed: ", prefix + "\t", seen);
        }
        if (throwable.getCause() != null) {
            append(trace, throwable.getCause(), frames, "Caused by: ", prefix, seen);
        }
    }
}
