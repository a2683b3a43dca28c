package dev.loadsplitter.engine.internal.handler;

/**
 * A task can never succeed as it is: no body, not JSON, not a task of this type, or its task type
 * cannot slice or write it. Retrying cannot help, so it is dead-lettered at once: its items are
 * counted, the record is parked for an operator, and the message says why.
 */
public final class InvalidTaskException extends Exception {

    public InvalidTaskException(String message) {
        super(message);
    }

    public InvalidTaskException(String message, Throwable cause) {
        super(message, cause);
    }
}
