package dev.loadsplitter.local;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * What a start has started so far, to close newest first should a later step fail; the step's
 * failure stays the one thrown, with every close that failed too kept on it as suppressed.
 */
final class Rollback {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Remembers {@code part}, started, and returns it. */
    <T extends AutoCloseable> T add(T part) {
        started.push(Objects.requireNonNull(part, "part"));
        return part;
    }

    /** Closes everything added, newest first, keeping what goes wrong with {@code failure}. */
    void closeAll(Throwable failure) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception | Error e) {
                failure.addSuppressed(e);
            }
        }
    }
}
