package dev.loadsplitter.engine.internal.handler;

/** A task could not be done; the message names the task and the cause, so the one log line is enough. */
public final class TaskFailedException extends RuntimeException {

    public TaskFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public TaskFailedException(String message) {
        super(message);
    }
}
