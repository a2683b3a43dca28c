package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.internal.queue.SubTaskSender;
import dev.loadsplitter.engine.internal.split.SplitException;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does one accepted task, wherever it came from: processes it when small, splits and queues it
 * when large. Direct invocations and SQS records share it, so they cannot drift apart.
 *
 * <p>Neither runs past its deadline: a split queues its parts a chunk at a time, measuring how
 * fast they go, and when the rest would not fit it queues the rest as a few larger sub-tasks whose
 * consumers make the very parts it would have sent; a task of several items processes one first,
 * and when all of them would not fit it processes what fits and queues the rest as a sub-task. So
 * every attempt makes progress, and a retry finishes the job.
 */
final class TaskRunner<T> {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    /** The most parts queued between two looks at the clock: ten batch calls' worth. */
    private static final int CHUNK = 100;
    /** The first chunk, one batch call's worth, measures the rate before more is risked. */
    private static final int FIRST_CHUNK = 10;

    private final TaskType<T> type;
    private final Splitter splitter;
    private final SubTaskSender sender;
    private final Clock clock;

    TaskRunner(TaskType<T> type, Splitter splitter, SubTaskSender sender, Clock clock) {
        this.type = Objects.requireNonNull(type, "type");
        this.splitter = Objects.requireNonNull(splitter, "splitter");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What was done.
     *
     * @param items the task's items
     * @param processed items processed here
     * @param split whether the task was split
     * @param messages sub-tasks queued
     * @param shortOfTime whether the deadline cut the work short, and the rest was queued
     */
    record Result(int items, int processed, boolean split, int messages, boolean shortOfTime) {

        /** What to count into the task's job. */
        ProcessingRecords.Done done() {
            return new ProcessingRecords.Done(processed, messages);
        }

        /** "processed 1 tag", "split 5 tags into 5 queued sub-tasks", with a word when time ran short. */
        String describe(ItemNoun noun) {
            if (split) {
                return "split " + noun.count(items) + " into " + messages + " queued sub-tasks"
                        + (shortOfTime ? " (short of time: the rest of the split was queued to continue it)" : "");
            }
            return "processed " + noun.count(processed)
                    + (shortOfTime
                            ? " of " + items + " (short of time: the other " + (items - processed)
                                    + " were queued as one sub-task)"
                            : "");
        }
    }

    /**
     * @param continuation set when the task is the rest of a split, to be split into that split's parts
     * @param progress told after each chunk how many of the task's items are queued
     * @throws TaskTypeException when the task type fails to count, slice or write the task: the task
     *         can never succeed as it is
     * @throws SplitException when the policy forbids the split
     * @throws Exception whatever {@link TaskType#process} throws
     */
    Result run(
            T task,
            Lineage lineage,
            String sourceId,
            Deadline deadline,
            Optional<SubTask.Continuation> continuation,
            Progress progress)
            throws Exception {
        int items = count(task);
        WorkContext context = new WorkContext(lineage.jobId(), lineage.partId(), sourceId);
        if (continuation.isEmpty() && !splitter.policy().isLarge(items)) {
            return process(task, items, lineage, context, deadline);
        }
        Lineage parent = lineage.continued();
        Thread warming = Thread.ofVirtual().name("sender-warm-up").start(this::warmUpSender);
        Instant planStart = clock.instant();
        Splitter.Plan plan;
        try {
            plan = splitter.plan(type, task, parent, continuation);
        } catch (SplitException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TaskTypeException(type.name(), "slicing or writing its sub-tasks", e);
        }
        warming.join();
        List<SubTask> parts = plan.parts();
        Duration planTime = Duration.between(planStart, clock.instant());
        if (!deadline.fits(Duration.ZERO)) {
            // Starting cold ate the time already: the whole split goes on in the few messages of its rest.
            List<SubTask> rest = rest(task, parent, plan, 0);
            sender.send(rest, context);
            progress.queued(items);
            return new Result(items, 0, true, rest.size(), true);
        }
        int sent = 0;
        int chunk = FIRST_CHUNK;
        while (sent < parts.size()) {
            if (sent > 0 && chunk < FIRST_CHUNK) {
                int cut = sent;
                while (cut < parts.size() && !plan.sliceStarts().get(cut)) {
                    cut++;
                }
                if (cut > sent) {
                    sender.send(parts.subList(sent, cut), context);
                }
                if (cut == parts.size()) {
                    progress.queued(items);
                    return new Result(items, 0, true, parts.size(), false);
                }
                List<SubTask> rest = rest(task, parent, plan, cut);
                sender.send(rest, context);
                progress.queued(items);
                return new Result(items, 0, true, cut + rest.size(), true);
            }
            int next = Math.min(parts.size(), sent + chunk);
            Instant chunkStart = clock.instant();
            sender.send(parts.subList(sent, next), context);
            Duration perPart = Duration.between(chunkStart, clock.instant()).dividedBy(next - sent);
            sent = next;
            // Writing the rest takes about what writing its parts took; sending it, a batch call.
            Duration reserve = planTime.multipliedBy(parts.size() - sent)
                    .dividedBy(parts.size())
                    .plus(perPart.multipliedBy(FIRST_CHUNK));
            chunk = nextChunk(chunk, perPart, deadline.left().minus(reserve));
        }
        return new Result(items, 0, true, parts.size(), false);
    }

    /** Hears how far a split has got: its first {@code items} items are queued as sub-tasks. */
    @FunctionalInterface
    interface Progress {

        Progress NONE = items -> {};

        void queued(long items) throws Exception;
    }

    /** Readies the sender while the split is planned; a failure here shows again, and is reported, on sending. */
    private void warmUpSender() {
        try {
            sender.warmUp();
        } catch (RuntimeException e) {
            log.debug("Warming up the sub-task sender failed: {}", e.toString());
        }
    }

    /**
     * The next chunk: twice the last, at most {@value #CHUNK}, and no more parts than fit in half
     * the spare time at the last chunk's rate. The last chunk's rate, not the average, so a
     * slowdown (a busy SQS, a busy machine) is seen at once.
     *
     * @param spare the time left before the deadline, less what queuing the rest would take
     */
    static int nextChunk(int last, Duration perPart, Duration spare) {
        long fitting = spare.isNegative() ? 0 : spare.toNanos() / 2 / Math.max(1, perPart.toNanos());
        return (int) Math.min(Math.min(CHUNK, 2L * last), fitting);
    }

    private List<SubTask> rest(T task, Lineage parent, Splitter.Plan plan, int cut) {
        try {
            return splitter.rest(type, task, parent, plan, cut);
        } catch (RuntimeException e) {
            throw new TaskTypeException(type.name(), "slicing or writing the rest of its split", e);
        }
    }

    /**
     * Processes a small task: all at once when it has one item, or when its first item shows all of
     * them fit before the deadline; otherwise one item at a time while they fit, and the rest queued.
     */
    private Result process(T task, int items, Lineage lineage, WorkContext context, Deadline deadline)
            throws Exception {
        if (items == 1) {
            type.process(task, context);
            return new Result(items, items, false, 0, false);
        }
        Instant start = clock.instant();
        type.process(slice(task, 0, 1), context);
        Duration perItem = Duration.between(start, clock.instant());
        if (deadline.fits(perItem.multipliedBy(items - 1))) {
            type.process(slice(task, 1, items), context);
            return new Result(items, items, false, 0, false);
        }
        int done = 1;
        while (done < items && deadline.fits(perItem)) {
            Instant itemStart = clock.instant();
            type.process(slice(task, done, done + 1), context);
            done++;
            perItem = perItem.plus(Duration.between(itemStart, clock.instant())).dividedBy(2);
        }
        if (done == items) {
            return new Result(items, items, false, 0, false);
        }
        // The rest as one sub-task of this task's place, continued at item 'done'.
        SubTask rest = splitter.remainder(type, slice(task, done, items), lineage, done, items - done);
        sender.send(List.of(rest), context);
        return new Result(items, done, false, 1, true);
    }

    private T slice(T task, int from, int to) {
        try {
            return type.subTask(task, from, to);
        } catch (RuntimeException e) {
            throw new TaskTypeException(type.name(), "slicing it", e);
        }
    }

    /** How many items the task holds. */
    int count(T task) {
        try {
            return type.itemCount(task);
        } catch (RuntimeException e) {
            throw new TaskTypeException(type.name(), "counting the items", e);
        }
    }
}
