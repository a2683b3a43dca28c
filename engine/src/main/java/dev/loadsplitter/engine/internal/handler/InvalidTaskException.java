package dev.loadsplitter.engine.internal.handler;

/**
 * An SQS record can never succeed as it is: no body, not JSON, or not a task of this type. It is
 * reported as a batch item failure, so after the redrive policy's receive count it lands in the
 * dead-letter queue, where an operator can read this message's reason in the logs.
 */
public final class InvalidTaskException extends Exception {

    public InvalidTaskException(String message) {
        super(message);
    }
}
