package dev.loadsplitter.local.container;

import java.util.Locale;

/** Where a function's containers run. */
public enum Isolation {
    /** In a JVM of the function's own, started with its environment, as Lambda runs every Java function. */
    PROCESS,
    /**
     * In the runtime's own JVM: for stream handlers that take their environment through a {@code Map}
     * constructor and read no other; quicker to start and lighter.
     */
    NONE,
    /** {@link #NONE} for a handler that takes its environment as a {@code Map}, {@link #PROCESS} otherwise. */
    AUTO;

    /** Its name on the command line: {@code process}, {@code none}, {@code auto}. */
    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }
}
