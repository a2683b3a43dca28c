package dev.loadsplitter.engine.jobs;

import java.util.Objects;

/** The ledger's table could not be read: it does not exist there, or the endpoint cannot be reached. */
public final class JobsUnavailableException extends RuntimeException {

    /** Why. */
    public enum Reason {
        /** There is no such table at the endpoint. */
        NO_SUCH_TABLE,
        /** The endpoint did not answer, or refused the credentials or the request. */
        UNREACHABLE
    }

    private final Reason reason;

    public JobsUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
