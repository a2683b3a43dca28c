package dev.loadsplitter.engine.internal.ledger;

/**
 * The store refused a call for now, writing nothing: a transaction conflict with a concurrent
 * transaction or write, or a throttle. The same call may be tried again after a pause.
 */
public final class LedgerBusyException extends RuntimeException {

    public LedgerBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
