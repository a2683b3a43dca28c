package dev.loadsplitter.cli;

/** Exit codes; scripts depend on them. */
final class ExitCodes {

    /** Done: every item was processed, or the invocation succeeded. */
    static final int OK = 0;
    /** The run did not drain before --timeout, or the invocation returned a function error. */
    static final int FAILED = 1;
    /** The command line was wrong. */
    static final int USAGE = 2;
    /** The run stopped because the JVM heap was full; rerun with a bigger -Xmx. */
    static final int HEAP_FULL = 3;
    /**
     * The run finished, but not every item was processed: some were dead-lettered, the event was
     * rejected (400) or went to the failed-events destination, or the function could not start.
     */
    static final int ITEMS_FAILED = 4;

    private ExitCodes() {}
}
