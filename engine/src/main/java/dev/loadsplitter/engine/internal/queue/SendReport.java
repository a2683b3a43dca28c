package dev.loadsplitter.engine.internal.queue;

import java.time.Duration;

/**
 * What a successful send did.
 *
 * @param sent sub-tasks acknowledged by the queue
 * @param calls batch calls made, retries included
 * @param retriedEntries entries that failed at least once and were sent again
 * @param elapsed time from the first call to the last acknowledgement
 */
public record SendReport(int sent, int calls, int retriedEntries, Duration elapsed) {}
