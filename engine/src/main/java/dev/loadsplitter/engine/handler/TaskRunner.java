package dev.loadsplitter.engine.handler;

import dev.loadsplitter.engine.queue.SubTaskSender;
import dev.loadsplitter.engine.split.Lineage;
import dev.loadsplitter.engine.split.Splitter;
import dev.loadsplitter.engine.split.SubTask;
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
    }

    Result run(T task, Lineage lineage, String sourceId) throws Exception {
        int items = type.itemCount(task);
        WorkContext context = new WorkContext(lineage.jobId(), lineage.partId(), sourceId);
        if (!splitter.policy().isLarge(items)) {
            type.process(task, context);
            return new Result(items, false, 0);
        }
        List<SubTask> subTasks = splitter.split(type, task, lineage);
        sender.send(subTasks, context);
        return new Result(items, true, subTasks.size());
    }
}
