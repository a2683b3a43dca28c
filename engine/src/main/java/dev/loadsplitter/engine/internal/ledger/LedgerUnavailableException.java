package dev.loadsplitter.engine.internal.ledger;

/**
 * A call to the ledger's store whose outcome is unknown: it may or may not have taken effect (its
 * answer was lost, the client gave up after its retries). The ledger's writes are built so that
 * doing one again is harmless, so the call may be tried again.
 */
public final class LedgerUnavailableException extends RuntimeException {

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
