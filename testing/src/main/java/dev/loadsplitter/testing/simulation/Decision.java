package dev.loadsplitter.testing.simulation;

/** What the scheduler decides for one step. */
enum Decision {
    NONE,
    BUSY,
    LOST,
    LOST_RETRIED,
    CRASH_AFTER,
    CRASH_BEFORE,
    DUPLICATE,
    FAIL,
    CRASH
}
