package dev.loadsplitter.engine.internal.split;

/** A task cannot be split as the policy asks; the message says why and what to change. */
public class SplitException extends RuntimeException {

    public SplitException(String message) {
        super(message);
    }
}
