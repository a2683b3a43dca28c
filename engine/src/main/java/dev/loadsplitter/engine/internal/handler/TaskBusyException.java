package dev.loadsplitter.engine.internal.handler;

/** Another invocation holds the sub-task; this delivery fails so the record comes back later. */
public final class TaskBusyException extends Exception {

    public TaskBusyException(String message) {
        super(message);
    }
}
