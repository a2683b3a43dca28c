package dev.loadsplitter.engine.handler;

import dev.loadsplitter.engine.queue.SendReport;
import dev.loadsplitter.engine.queue.SubTaskSender;
import dev.loadsplitter.engine.split.SubTask;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Builds the real sender, and with it the SQS client, on the first split only. Most invocations
 * of a fan-out process one small sub-task and never send, so their cold start skips the client.
 * Once built, the sender is kept for the life of the container.
 */
final class LazySender implements SubTaskSender {

    private final Supplier<? extends SubTaskSender> factory;
    private volatile SubTaskSender sender;

    /** @param factory builds the sender once; a failure is not cached, so the next split tries again */
    LazySender(Supplier<? extends SubTaskSender> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public SendReport send(List<SubTask> subTasks, WorkContext context) {
        return sender().send(subTasks, context);
    }

    private SubTaskSender sender() {
        SubTaskSender known = sender;
        if (known == null) {
            synchronized (this) {
                known = sender;
                if (known == null) {
                    known = factory.get();
                    sender = known;
                }
            }
        }
        return known;
    }
}
