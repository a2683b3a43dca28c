package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.internal.batch.FailureKind;
import dev.loadsplitter.engine.internal.ledger.ItemOutcome;
import dev.loadsplitter.engine.internal.queue.SubTaskSender;
import dev.loadsplitter.engine.internal.split.SplitException;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.internal.task.PerItemWork;
import dev.loadsplitter.engine.message.ItemResult;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does one accepted task, wherever it came from: processes it when small, splits and queues it
 * when large. Direct invocations and SQS records share it, so they cannot drift apart.
 *
 * <p>Items keep their index in the original event, and what became of each is told to the task's
 * {@link Book} as soon as it is known, so a later attempt does only the items still open. Neither
 * path runs past its deadline: a split queues its parts a chunk at a time, telling the book after
 * each chunk how far it got, and when the rest would not fit it queues the rest as a few larger
 * sub-tasks whose consumers make the very parts it would have sent; a task of several items
 * processes one first, and when the others would not fit it processes what fits and sends itself
 * again ({@code part@1}) for the rest. Each of those is a hop, and none is made past
 * MAX_SPLIT_DEPTH: at the limit the task fails instead, and its redelivery goes on where it stopped.
 */
final class TaskRunner<T> {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    /** The most parts queued between two looks at the clock: ten batch calls' worth. */
    private static final int CHUNK = 100;
    /** The first chunk, one batch call's worth, measures the rate before more is risked. */
    private static final int FIRST_CHUNK = 10;

    private final TaskType<T> type;
    private final SliceWork<T> work;
    private final Splitter splitter;
    private final SubTaskSender sender;
    private final Clock clock;

    TaskRunner(TaskType<T> type, Splitter splitter, SubTaskSender sender, Clock clock) {
        this.type = Objects.requireNonNull(type, "type");
        this.work = new SliceWork<>(type);
        this.splitter = Objects.requireNonNull(splitter, "splitter");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The ledger's view of the task being run.
     */
    interface Book {

        /** The indexes (in the original event) of the task's items still to do; all of them on a first attempt. */
        NavigableSet<Long> open(long first, int count);

        /**
         * Marks what became of items as soon as it is known.
         *
         * @param finishes whether these complete the task: every item it covers is now marked
         */
        void record(List<ItemOutcome> outcomes, boolean finishes);

        /** A split has queued parts covering the task's first {@code items} items. */
        void queued(long items);

        /** How many of the task's items earlier attempts of its split queued; 0 for none. */
        long queuedBefore();

        /** How many times the task was redriven: its split names its parts after it. */
        int generation();

        /** Whether the job stopped, so no more parts are queued; looked at between chunks of a split. */
        boolean stopped();

        /** No ledger: every item open, nothing recorded, never stopped. */
        Book NONE = new Book() {
            @Override
            public NavigableSet<Long> open(long first, int count) {
                NavigableSet<Long> all = new TreeSet<>();
                for (long index = first; index < first + count; index++) {
                    all.add(index);
                }
                return all;
            }

            @Override
            public void record(List<ItemOutcome> outcomes, boolean finishes) {}

            @Override
            public void queued(long items) {}

            @Override
            public long queuedBefore() {
                return 0;
            }

            @Override
            public int generation() {
                return 0;
            }

            @Override
            public boolean stopped() {
                return false;
            }
        };
    }

    /**
     * What was done.
     *
     * @param items the task's items
     * @param processed items processed here
     * @param split whether the task was split
     * @param messages sub-tasks queued
     * @param shortOfTime whether the deadline cut the work short, and the rest was queued
     * @param stoppedAt for a split the job's stop cut short, how many of its items were queued by then
     */
    record Result(
            int items, int processed, boolean split, int messages, boolean shortOfTime, Optional<Long> stoppedAt) {

        Result(int items, int processed, boolean split, int messages, boolean shortOfTime) {
            this(items, processed, split, messages, shortOfTime, Optional.empty());
        }

        /** "processed 1 tag", "split 5 tags into 5 queued sub-tasks", with a word when time ran short. */
        String describe(ItemNoun noun) {
            if (stoppedAt.isPresent()) {
                return "split " + noun.count(items) + " into " + messages + " queued sub-tasks, then stopped: the job "
                        + "was stopped, and the other " + (items - stoppedAt.get()) + " are skipped";
            }
            if (split) {
                return "split " + noun.count(items) + " into " + messages + " queued sub-tasks"
                        + (shortOfTime ? " (short of time: the rest of the split was queued to continue it)" : "");
            }
            return "processed " + noun.count(processed)
                    + (shortOfTime
                            ? " of " + items + " (short of time: the task was queued again for the other "
                                    + (items - processed) + ")"
                            : "");
        }
    }

    /**
     * Some items of a task failed; the others are marked. They run again on the next attempt. Its
     * cause is the first item's failure; the first failure of each other {@linkplain FailureKind kind}
     * is suppressed in it, so its stack trace shows every kind once, and its message counts the repeats.
     */
    static final class ItemsFailedException extends Exception {

        private final transient Map<Long, Exception> failures;

        ItemsFailedException(Map<Long, Exception> failures) {
            super(describe(failures), failures.values().iterator().next(), true, true);
            this.failures = Map.copyOf(failures);
            Map<String, Exception> kinds = kinds(failures);
            kinds.values().stream().skip(1).forEach(this::addSuppressed);
        }

        /** The failed items, by index in the original event, with what failed each. */
        Map<Long, Exception> failures() {
            return failures;
        }

        /** The first failure of each kind, in item order. */
        private static Map<String, Exception> kinds(Map<Long, Exception> failures) {
            Map<String, Exception> kinds = new LinkedHashMap<>();
            failures.values().forEach(failure -> kinds.putIfAbsent(FailureKind.of(failure), failure));
            return kinds;
        }

        private static String describe(Map<Long, Exception> failures) {
            Map<String, Long> firstItem = new LinkedHashMap<>();
            Map<String, Integer> count = new LinkedHashMap<>();
            Map<String, Exception> first = new LinkedHashMap<>();
            failures.forEach((index, failure) -> {
                String kind = FailureKind.of(failure);
                firstItem.putIfAbsent(kind, index);
                first.putIfAbsent(kind, failure);
                count.merge(kind, 1, Integer::sum);
            });
            StringBuilder text = new StringBuilder()
                    .append(failures.size())
                    .append(failures.size() == 1 ? " item" : " items")
                    .append(" failed (");
            String separator = "";
            for (String kind : firstItem.keySet()) {
                int more = count.get(kind) - 1;
                text.append(separator)
                        .append("item ")
                        .append(firstItem.get(kind))
                        .append(": ")
                        .append(first.get(kind));
                if (more > 0) {
                    text.append(", and ").append(more).append(" more like it");
                }
                separator = "; ";
            }
            return text.append(')').toString();
        }
    }

    /** A task ran short of time where no further hop is allowed; its redelivery does the rest. */
    static final class ShortOfTimeException extends Exception {
        ShortOfTimeException(String message) {
            super(message);
        }
    }

    /**
     * @param continuation set when the task is the rest of a split, to be split into that split's parts
     * @throws TaskTypeException when the task type fails to count, slice or write the task: the task
     *         can never succeed as it is
     * @throws SplitException when the policy forbids the split
     * @throws ItemsFailedException when some items failed; the others are marked
     * @throws Exception whatever {@link TaskType#process} throws
     */
    Result run(
            T task,
            Lineage lineage,
            String sourceId,
            Deadline deadline,
            Optional<SubTask.Continuation> continuation,
            Book book)
            throws Exception {
        int items = count(task);
        WorkContext context = new WorkContext(
                lineage.jobId(), lineage.partId(), sourceId, lineage.firstItem(), Optional.of(deadline.at()));
        if (continuation.isEmpty() && !splitter.policy().isLarge(items)) {
            return process(task, items, lineage, context, deadline, book);
        }
        return split(task, items, lineage, context, deadline, continuation, book);
    }

    private Result split(
            T task,
            int items,
            Lineage lineage,
            WorkContext context,
            Deadline deadline,
            Optional<SubTask.Continuation> continuation,
            Book book)
            throws Exception {
        Lineage parent = lineage.continued().generation(book.generation());
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
        // An earlier attempt queued parts already: go on after them (their duplicates would be recognised anyway).
        long queuedBefore = book.queuedBefore();
        int sent = 0;
        while (sent < parts.size()
                && plan.firstItems().get(sent) + parts.get(sent).itemCount() <= queuedBefore) {
            sent++;
        }
        // A rest of the split is one hop more, and so is everything below it: its parts (one more again) and
        // the levels those parts split into. Allowed only if the deepest of them stays within the limit.
        boolean mayCutShort = lineage.hops() + 2 + splitter.policy().levelsBelow(plan.sliceSize())
                <= splitter.policy().maxSplitDepth();
        if (sent == 0 && mayCutShort && !deadline.fits(Duration.ZERO)) {
            // Starting cold ate the time already: the whole split goes on in the few messages of its rest.
            List<SubTask> rest = rest(task, parent, plan, 0);
            sender.send(rest, context);
            book.queued(items);
            return new Result(items, 0, true, rest.size(), true);
        }
        int chunk = FIRST_CHUNK;
        int messages = 0;
        while (sent < parts.size()) {
            if (book.stopped()) {
                long queued = sent == 0 ? 0 : plan.firstItems().get(sent);
                return new Result(items, 0, true, messages, false, Optional.of(queued));
            }
            if (mayCutShort && messages > 0 && chunk < FIRST_CHUNK) {
                int cut = sent;
                while (cut < parts.size() && !plan.sliceStarts().get(cut)) {
                    cut++;
                }
                if (cut > sent) {
                    sender.send(parts.subList(sent, cut), context);
                    messages += cut - sent;
                }
                if (cut == parts.size()) {
                    book.queued(items);
                    return new Result(items, 0, true, messages, false);
                }
                List<SubTask> rest = rest(task, parent, plan, cut);
                sender.send(rest, context);
                book.queued(items);
                return new Result(items, 0, true, messages + rest.size(), true);
            }
            int next = Math.min(parts.size(), sent + chunk);
            Instant chunkStart = clock.instant();
            sender.send(parts.subList(sent, next), context);
            Duration perPart = Duration.between(chunkStart, clock.instant()).dividedBy(next - sent);
            messages += next - sent;
            sent = next;
            book.queued(sent == parts.size() ? items : plan.firstItems().get(sent));
            // Writing the rest takes about what writing its parts took; sending it, a batch call.
            Duration reserve = planTime.multipliedBy(parts.size() - sent)
                    .dividedBy(parts.size())
                    .plus(perPart.multipliedBy(FIRST_CHUNK));
            chunk = nextChunk(chunk, perPart, deadline.left().minus(reserve));
            if (chunk == 0 && !mayCutShort) {
                // No rest may be queued at this depth: go on one batch at a time, and let a timeout's
                // redelivery go on from the progress recorded.
                chunk = FIRST_CHUNK;
            }
        }
        book.queued(items);
        return new Result(items, 0, true, messages, false);
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
     * Processes a small task's open items: all at once when there is one, or when the first shows
     * all of them fit before the deadline; otherwise one at a time while they fit, and the task is
     * sent again for the rest. What became of each item is recorded as soon as it is known.
     */
    private Result process(T task, int items, Lineage lineage, WorkContext context, Deadline deadline, Book book)
            throws Exception {
        NavigableSet<Long> open = book.open(lineage.firstItem(), items);
        Map<Long, Exception> failures = new LinkedHashMap<>();
        int processed = 0;
        if (open.isEmpty()) {
            book.record(List.of(), true);
            return new Result(items, 0, false, 0, false);
        }
        Instant start = clock.instant();
        long first = open.first();
        processed += doRun(task, lineage, first, first + 1, context, book, open, failures);
        Duration perItem = Duration.between(start, clock.instant());
        if (!open.isEmpty() && deadline.fits(perItem.multipliedBy(open.size()))) {
            for (long[] run : runs(open)) {
                processed += doRun(task, lineage, run[0], run[1], context, book, open, failures);
            }
        }
        while (!open.isEmpty() && deadline.fits(perItem)) {
            Instant itemStart = clock.instant();
            long next = open.first();
            processed += doRun(task, lineage, next, next + 1, context, book, open, failures);
            perItem = perItem.plus(Duration.between(itemStart, clock.instant())).dividedBy(2);
        }
        if (!failures.isEmpty()) {
            throw new ItemsFailedException(failures);
        }
        if (open.isEmpty()) {
            return new Result(items, processed, false, 0, false);
        }
        if (lineage.hops() + 1 > splitter.policy().maxSplitDepth()) {
            throw new ShortOfTimeException("ran short of time after " + processed + " of " + items + " items, "
                    + lineage.hops() + " hops from its event: MAX_SPLIT_DEPTH ("
                    + splitter.policy().maxSplitDepth()
                    + ") allows no further hop, so the other " + open.size()
                    + " run on the next delivery. Raise the function timeout or lower MAX_ITEMS_PER_TASK.");
        }
        SubTask again = splitter.remainder(type, task, lineage, items);
        if (again.messageBytes() > splitter.policy().maxMessageBytes()) {
            // Too large for a message (an original event can be): its parts fit, one hop further.
            List<SubTask> parts =
                    splitter.plan(type, task, lineage, Optional.empty()).parts();
            sender.send(parts, context);
            return new Result(items, processed, false, parts.size(), true);
        }
        sender.send(List.of(again), context);
        return new Result(items, processed, false, 1, true);
    }

    /** Does items {@code [from, to)} (indexes in the original event), records them, and takes them off {@code open}. */
    private int doRun(
            T task,
            Lineage lineage,
            long from,
            long to,
            WorkContext context,
            Book book,
            NavigableSet<Long> open,
            Map<Long, Exception> failures)
            throws Exception {
        int count = (int) (to - from);
        int offset = (int) (from - lineage.firstItem());
        List<PerItemWork.Outcome> outcomes =
                work.process(slice(task, offset, offset + count), count, context.from(from));
        List<ItemOutcome> marks = new ArrayList<>(count);
        int done = 0;
        for (int i = 0; i < count; i++) {
            long index = from + i;
            open.remove(index);
            switch (outcomes.get(i)) {
                case PerItemWork.Outcome.Ok ok
                when tooLarge(ok.result()) ->
                    failures.put(
                            index,
                            new IllegalArgumentException("the item's result is "
                                    + ok.result().orElseThrow().getBytes(StandardCharsets.UTF_8).length
                                    + " bytes of JSON, over the limit of " + ItemResult.MAX_BYTES
                                    + " bytes (ItemResult.MAX_BYTES); return less, or store it elsewhere (S3) and "
                                    + "return where"));
                case PerItemWork.Outcome.Ok ok -> {
                    marks.add(new ItemOutcome.Done(index, ok.result()));
                    done++;
                }
                case PerItemWork.Outcome.Failed failed -> failures.put(index, failed.error());
            }
        }
        book.record(marks, open.isEmpty() && failures.isEmpty());
        return done;
    }

    private static boolean tooLarge(Optional<String> result) {
        // A UTF-8 byte is at least a char's worth of a String's length: count bytes only when it could matter.
        return result.isPresent()
                && result.get().length() * 3L > ItemResult.MAX_BYTES
                && result.get().getBytes(StandardCharsets.UTF_8).length > ItemResult.MAX_BYTES;
    }

    /** The open items as runs of consecutive indexes, {@code [from, to)} each. */
    private static List<long[]> runs(NavigableSet<Long> open) {
        List<long[]> runs = new ArrayList<>();
        long from = -1;
        long to = -1;
        for (long index : open) {
            if (index == to) {
                to++;
            } else {
                if (from >= 0) {
                    runs.add(new long[] {from, to});
                }
                from = index;
                to = index + 1;
            }
        }
        if (from >= 0) {
            runs.add(new long[] {from, to});
        }
        return runs;
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
