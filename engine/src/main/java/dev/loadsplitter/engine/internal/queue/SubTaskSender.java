package dev.loadsplitter.engine.internal.queue;

import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.List;

/** Queues sub-tasks. One method, so a test or another queue can stand in for SQS. */
@FunctionalInterface
public interface SubTaskSender {

    /**
     * Queues every sub-task and returns once the queue has acknowledged all of them.
     *
     * @param subTasks the sub-tasks of one split, in order
     * @param context the task being split, for log lines
     * @throws SubTaskSendException when some could not be queued after bounded retries
     */
    SendReport send(List<SubTask> subTasks, WorkContext context);

    /**
     * Readies the client for a first send, cheaply: a split starts it beside its planning, so a
     * cold container does not pay for both in turn. Failures are for {@link #send} to report.
     */
    default void warmUp() {}
}
