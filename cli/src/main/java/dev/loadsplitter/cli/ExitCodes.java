package dev.loadsplitter.cli;

/** Exit codes; scripts depend on them. */
final class ExitCodes {

    /** Done: the run drained, or the invocation succeeded. */
    static final int OK = 0;
    /** The run did not drain before --timeout, or the invocation returned a function error. */
    static final int FAILED = 1;
    /** The command line was wrong. */
    static final int USAGE = 2;
    /** The run stopped because the JVM heap was full; rerun with a bigger -Xmx. */
    static final int HEAP_FULL = 3;

    private ExitCodes() {
    }
}
