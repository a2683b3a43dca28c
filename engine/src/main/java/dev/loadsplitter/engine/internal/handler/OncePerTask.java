package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.TaskId;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sub-task under its processing record, so a second delivery of a sub-task that was done
 * is acknowledged without doing it again. A task without a task id (an original task) just runs.
 */
final class OncePerTask {

    private static final Logger log = LoggerFactory.getLogger(OncePerTask.class);

    private final ProcessingRecords records;
    private final Clock clock;

    OncePerTask(ProcessingRecords records, Clock clock) {
        this.records = Objects.requireNonNull(records, "records");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The work of one task; returns a summary for the log. */
    @FunctionalInterface
    interface Work {
        String run() throws Exception;
    }

    /**
     * @param where the task, for log lines
     * @return the work's summary, or "duplicate" when it had been done already
     * @throws TaskBusyException while another invocation holds the task
     */
    String run(Lineage lineage, Invocation invocation, String where, Work work) throws Exception {
        Optional<TaskId> taskId = lineage.taskId();
        if (taskId.isEmpty()) {
            String summary = work.run();
            log.info("{}: {}", where, summary);
            return summary;
        }
        TaskId id = taskId.get();
        switch (records.claim(id, clock.instant(), invocation.remainingTime())) {
            case ProcessingRecords.Claim.AlreadyDone done -> {
                log.info("{}: duplicate of a sub-task done at {}; acknowledged without processing it again", where,
                        done.doneAt());
                return "duplicate";
            }
            case ProcessingRecords.Claim.HeldElsewhere held -> throw new TaskBusyException("sub-task " + id
                    + " is held by another invocation until " + held.leaseEnds()
                    + "; it comes back after the visibility timeout");
            case ProcessingRecords.Claim.Claimed claimed -> {
                // Ours until the lease ends.
            }
        }
        String summary;
        try {
            summary = work.run();
        } catch (Exception e) {
            records.markFailed(id, String.valueOf(e.getMessage()), clock.instant());
            throw e;
        }
        records.markDone(id, clock.instant());
        log.info("{}: {}", where, summary);
        return summary;
    }
}
