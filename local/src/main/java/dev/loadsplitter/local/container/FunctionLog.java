package dev.loadsplitter.local.container;

import java.time.Instant;

/**
 * Where a function's own log events go: each {@code LambdaLogger} call, and each line the function
 * writes to stdout or stderr, with the request it belongs to. Must be thread-safe.
 */
@FunctionalInterface
public interface FunctionLog {

    /**
     * @param requestId the invocation that wrote it, or {@code ""} when no invocation did (initialisation
     *                  in a thread of the function's own, the JVM itself)
     * @param at when it was written
     * @param message the event, one line or several
     */
    void event(String requestId, Instant at, String message);

    /** Drops every event. */
    static FunctionLog none() {
        return (requestId, at, message) -> {};
    }
}
