package dev.loadsplitter.engine.internal.batch;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * What makes two failures alike: the class of the failure and of each of its causes, and the frame
 * each was thrown at. Not their messages, which often name the item or URL that failed: a hundred
 * items failing on one line of a task type are one kind of failure, logged once and counted.
 */
public final class FailureKind {

    private FailureKind() {}

    /** The kind of {@code failure}, as text: equal for failures alike. */
    public static String of(Throwable failure) {
        StringBuilder kind = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            kind.append(t.getClass().getName());
            StackTraceElement[] stack = t.getStackTrace();
            if (stack.length > 0) {
                kind.append('@').append(stack[0]);
            }
            kind.append(';');
        }
        return kind.toString();
    }
}
