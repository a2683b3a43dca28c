package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.internal.batch.QuietFailure;

/** Another invocation holds the sub-task; this delivery fails so the record comes back later. */
public final class TaskBusyException extends Exception implements QuietFailure {

    public TaskBusyException(String message) {
        super(message);
    }
}
