package dev.loadsplitter.local.report;

import dev.loadsplitter.local.container.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One finished invocation, as a run report sees it.
 *
 * @param requestId the invocation's request id
 * @param trigger how it was invoked
 * @param kind what it did
 * @param itemsProcessed items it processed
 * @param itemsSplit items it split into sub-tasks
 * @param records SQS records it received; 0 for a direct invocation
 * @param failedRecords records it failed, or 1 for a failed direct invocation
 * @param subTasks sub-tasks a direct invocation reported queuing
 * @param start when the handler was called
 * @param end when it returned
 * @param coldStart whether its container was created for it
 * @param initDuration the container's initialisation, on a cold start
 * @param error the error it returned, if any
 */
public record InvocationRecord(
        String requestId,
        Trigger trigger,
        Kind kind,
        int itemsProcessed,
        int itemsSplit,
        int records,
        int failedRecords,
        int subTasks,
        Instant start,
        Instant end,
        boolean coldStart,
        Optional<Duration> initDuration,
        Optional<String> error) {

    /** What an invocation did, for reports and the timeline's colours. */
    public enum Kind {
        /** Split a task and queued its sub-tasks. */
        SPLIT,
        /** Processed items. */
        PROCESS,
        /** Ignored an event of no interest. */
        IGNORED,
        /** Rejected an event it could not understand (400). */
        INVALID,
        /** Returned an error or timed out, or failed every record it received. */
        FAILED,
        /** Counted dead-lettered sub-tasks from the dead-letter queue into their jobs, and parked them. */
        DEAD_LETTER,
        /**
         * Ran events of the failed-events queue again (Lambda's invocation records), finishing the root
         * splits their asynchronous attempts left; the parts it queued are counted where they run.
         */
        FAILED_EVENT
    }

    /** Handler time. */
    public Duration duration() {
        return Duration.between(start, end);
    }
}
