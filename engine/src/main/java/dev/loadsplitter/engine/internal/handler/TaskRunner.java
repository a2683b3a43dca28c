package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.internal.queue.SubTaskSender;
import dev.loadsplitter.engine.internal.split.SplitException;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.List;
import java.util.Objects;

/**
 * Does one accepted task, wherever it came from: processes it when small, splits and queues it
 * when large. Direct invocations and SQS records share it, so they cannot drift apart.
 */
final class TaskRunner<T> {

    private final TaskType<T> type;
    private final Splitter splitter;
    private final SubTaskSender sender;

    TaskRunner(TaskType<T> type, Splitter splitter, SubTaskSender sender) {
        this.type = Objects.requireNonNull(type, "type");
        this.splitter = Objects.requireNonNull(splitter, "splitter");
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    /** What was done: processed in place, or split into {@code messages} queued sub-tasks. */
    record Result(int items, boolean split, int messages) {

        /** "processed 1 tag", "split 5 tags into 5 queued sub-tasks". */
        String describe(ItemNoun noun) {
            return split ? "split " + noun.count(items) + " into " + messages + " queued sub-tasks"
                    : "processed " + noun.count(items);
        }
    }

    /**
     * @throws TaskTypeException when the task type fails to count, slice or write the task: the task
     *         can never succeed as it is
     * @throws SplitException when the policy forbids the split
     * @throws Exception whatever {@link TaskType#process} throws
     */
    Result run(T task, Lineage lineage, String sourceId) throws Exception {
        int items = counted(task);
        WorkContext context = new WorkContext(lineage.jobId(), lineage.partId(), sourceId);
        if (!splitter.policy().isLarge(items)) {
            type.process(task, context);
            return new Result(items, false, 0);
        }
        List<SubTask> subTasks;
        try {
            subTasks = splitter.split(type, task, lineage);
        } catch (SplitException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TaskTypeException(type.name(), "slicing or writing its sub-tasks", e);
        }
        sender.send(subTasks, context);
        return new Result(items, true, subTasks.size());
    }

    private int counted(T task) {
        try {
            return type.itemCount(task);
        } catch (RuntimeException e) {
            throw new TaskTypeException(type.name(), "counting the items", e);
        }
    }
}
