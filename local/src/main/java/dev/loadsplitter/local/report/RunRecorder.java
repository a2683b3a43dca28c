package dev.loadsplitter.local.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.queue.SubTaskEnvelope;
import dev.loadsplitter.engine.message.BatchResponse;
import dev.loadsplitter.engine.message.DirectResponse;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.InvocationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches a run from outside the function, through the Lambda contract only: the events it is
 * given and the responses it returns.
 *
 * <p>A direct invocation's response says what it did ({@code 200} processed {@code count} items,
 * {@code 202} with a count split them). An SQS record carries its {@code itemCount} attribute;
 * a record the function did not report as failed was processed when it held at most
 * {@code maxItemsPerTask} items, and split again otherwise, which is the function's own rule.
 *
 * <p>The serial estimate is measured, not assumed: the handler time of every invocation that
 * processed items for the first time, shared out over the records it ran at once, so it is right
 * for any work, not only a fixed delay per item.
 */
public final class RunRecorder implements InvocationListener {

    private final ObjectMapper json;
    private final int maxItemsPerTask;
    private final int recordConcurrency;
    private final String deadLetterQueueSuffix;
    private final Consumer<InvocationRecord> onRecord;
    private final ConcurrentLinkedQueue<InvocationRecord> records = new ConcurrentLinkedQueue<>();
    private final Set<String> deliveredMessages = ConcurrentHashMap.newKeySet();
    /** Every sub-task (job/part) delivered at least once. */
    private final Set<String> deliveredParts = ConcurrentHashMap.newKeySet();
    /** Items of each sub-task without a lineage (a plain function's messages), by message, the first time it succeeded. */
    private final ConcurrentHashMap<String, Integer> processedParts = new ConcurrentHashMap<>();
    /** Items (indexes in the event) of the sub-tasks with a lineage that succeeded, and of direct tasks processed. */
    private final JobItems processedItems = new JobItems();
    /** Items the work itself logged as done ({@code done … (item N)}). */
    private final ItemSet loggedDone = new ItemSet();
    /** Items of each distinct direct task (by its bytes), from its last successful response. */
    private final ConcurrentHashMap<String, Integer> directTasks = new ConcurrentHashMap<>();
    /** Items of each distinct small direct task processed in place. */
    private final ConcurrentHashMap<String, Integer> directProcessed = new ConcurrentHashMap<>();

    private final AtomicLong duplicates = new AtomicLong();
    /** Direct events the function rejected as invalid (400). */
    private final AtomicLong rejectedEvents = new AtomicLong();
    /** Invocations that failed because the function could not be initialised. */
    private final AtomicLong initErrors = new AtomicLong();

    private final AtomicReference<String> firstInitError = new AtomicReference<>();
    /** Handler nanoseconds spent processing items for the first time, as if one after the other. */
    private final AtomicLong serialNanos = new AtomicLong();

    /**
     * @param maxItemsPerTask the function's {@code MAX_ITEMS_PER_TASK}
     * @param recordConcurrency the function's {@code RECORD_CONCURRENCY}: records of one batch it runs at once
     * @param deadLetterQueue the name of the dead-letter queue, whose records the function counts and parks
     * @param onRecord told of each finished invocation, for logs and progress
     */
    public RunRecorder(
            ObjectMapper json,
            int maxItemsPerTask,
            int recordConcurrency,
            String deadLetterQueue,
            Consumer<InvocationRecord> onRecord) {
        this.deadLetterQueueSuffix = ":" + Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
        this.json = Objects.requireNonNull(json, "json");
        this.maxItemsPerTask = maxItemsPerTask;
        this.recordConcurrency = Math.max(1, recordConcurrency);
        this.onRecord = Objects.requireNonNull(onRecord, "onRecord");
    }

    @Override
    public void finished(Finished finished) {
        if (finished.started().trigger() == dev.loadsplitter.local.container.Trigger.SCHEDULE) {
            // The ledger's sweep: the schedule's, not the run's.
            return;
        }
        InvocationRecord record = finished.started().trigger().isSqs() ? ofSqsBatch(finished) : ofDirectEvent(finished);
        if (record.kind() == InvocationRecord.Kind.INVALID) {
            rejectedEvents.incrementAndGet();
        }
        if (finished.result() instanceof InvocationResult.FunctionError error && error.initFailed()) {
            initErrors.incrementAndGet();
            firstInitError.compareAndSet(null, error.errorType() + ": " + error.errorMessage());
        }
        records.add(record);
        onRecord.accept(record);
    }

    /** The first initialisation failure, as {@code errorType: errorMessage}. */
    public Optional<String> firstInitError() {
        return Optional.ofNullable(firstInitError.get());
    }

    /** Every finished invocation so far, in the order they finished. */
    public List<InvocationRecord> records() {
        return List.copyOf(records);
    }

    /** Distinct SQS messages delivered so far. */
    public int deliveredMessages() {
        return deliveredMessages.size();
    }

    private InvocationRecord ofDirectEvent(Finished finished) {
        InvocationResult result = finished.result();
        InvocationRecord.Kind kind = InvocationRecord.Kind.FAILED;
        int items = 0;
        int subTasks = 0;
        Optional<String> error = errorOf(result);
        String task = digest(finished.started().payload());
        // An invoked sub-task (DISPATCH=invoke) carries its lineage: its items start at its first item.
        JsonNode payload = readQuietly(finished.started().payload());
        Optional<SqsRecord> invoked = SubTaskEnvelope.read(payload, "");
        long first = invoked.map(record -> firstItemOf(record).orElse(0)).orElse(0L);
        String job = invoked.map(RunRecorder::jobOf).orElseGet(() -> jobOfEvent(payload));
        finished.lostAnswer()
                .flatMap(answer -> DirectResponse.read(readQuietly(answer)))
                .ifPresent(lost -> {
                    // An injected crash or timeout threw the answer away; the task it describes was still split or
                    // done.
                    if (lost.processed() || lost.split()) {
                        directTasks.put(task, lost.count());
                    }
                    if (lost.processed() && directProcessed.putIfAbsent(task, lost.count()) == null) {
                        serialNanos.addAndGet(finished.duration().toNanos());
                        processedItems.add(job, first, first + lost.count());
                    }
                });
        Optional<DirectResponse> answer = result instanceof InvocationResult.Success success
                ? DirectResponse.read(readQuietly(success.response()))
                : Optional.empty();
        if (answer.isPresent()) {
            DirectResponse response = answer.get();
            items = response.count();
            if (response.processed() || response.split()) {
                directTasks.put(task, items);
            }
            if (response.processed()) {
                kind = InvocationRecord.Kind.PROCESS;
                if (directProcessed.putIfAbsent(task, items) != null) {
                    duplicates.incrementAndGet();
                } else {
                    serialNanos.addAndGet(finished.duration().toNanos());
                    processedItems.add(job, first, first + items);
                }
            } else if (response.split()) {
                kind = InvocationRecord.Kind.SPLIT;
                subTasks = response.queuedMessages().orElse(0);
            } else if (response.statusCode() == 202) {
                kind = InvocationRecord.Kind.IGNORED;
            } else if (response.statusCode() == 400) {
                kind = InvocationRecord.Kind.INVALID;
            }
        }
        return record(
                finished,
                kind,
                kind == InvocationRecord.Kind.PROCESS ? items : 0,
                kind == InvocationRecord.Kind.SPLIT ? items : 0,
                0,
                kind == InvocationRecord.Kind.FAILED ? 1 : 0,
                subTasks,
                error);
    }

    private InvocationRecord ofSqsBatch(Finished finished) {
        List<SqsRecord> received = new ArrayList<>();
        readQuietly(finished.started().payload()).path("Records").forEach(node -> received.add(SqsRecord.from(node)));
        List<String> batch = received.stream().map(SqsRecord::messageId).toList();
        if (!received.isEmpty() && received.getFirst().eventSourceArn().endsWith(deadLetterQueueSuffix)) {
            // The function counting dead-lettered sub-tasks into their jobs and parking them: no work done.
            return record(
                    finished,
                    InvocationRecord.Kind.DEAD_LETTER,
                    0,
                    0,
                    received.size(),
                    finished.result().isError() ? received.size() : 0,
                    0,
                    errorOf(finished.result()));
        }
        if (finished.started().trigger() == dev.loadsplitter.local.container.Trigger.FAILED_EVENTS) {
            // Lambda's invocation records run again: their items are counted where the parts they queue run.
            return record(
                    finished,
                    InvocationRecord.Kind.FAILED_EVENT,
                    0,
                    0,
                    received.size(),
                    finished.result().isError() ? received.size() : 0,
                    0,
                    errorOf(finished.result()));
        }
        for (SqsRecord record : received) {
            deliveredMessages.add(record.messageId());
            deliveredParts.add(partOf(record));
        }
        InvocationResult result = finished.result();
        Set<String> failed = result instanceof InvocationResult.Success success
                ? failedIn(success.response(), batch)
                : new HashSet<>(batch);
        // An injected crash or timeout threw away an answer: the records it reports done were processed.
        Set<String> doneButLost = new HashSet<>();
        finished.lostAnswer().ifPresent(answer -> {
            Set<String> lostFailures = failedIn(answer, batch);
            batch.stream().filter(id -> !lostFailures.contains(id)).forEach(doneButLost::add);
        });
        int processed = 0;
        int split = 0;
        int firstTimeRecords = 0;
        for (SqsRecord record : received) {
            String messageId = record.messageId();
            if (failed.contains(messageId) && !doneButLost.contains(messageId)) {
                continue;
            }
            int itemCount = SubTaskAttribute.ITEM_COUNT.intIn(record.messageAttributes(), 1);
            if (itemCount > maxItemsPerTask) {
                split += failed.contains(messageId) ? 0 : itemCount;
                continue;
            }
            OptionalLong firstItem = firstItemOf(record);
            boolean firstTime = firstItem.isPresent()
                    ? processedItems.add(jobOf(record), firstItem.getAsLong(), firstItem.getAsLong() + itemCount) > 0
                    : processedParts.putIfAbsent(partOf(record), itemCount) == null;
            if (!firstTime) {
                duplicates.incrementAndGet();
                continue;
            }
            firstTimeRecords++;
            if (!failed.contains(messageId)) {
                processed += itemCount;
            }
        }
        if (firstTimeRecords > 0) {
            // The records of a batch run up to RECORD_CONCURRENCY at once: the handler time covers that many.
            long waves = (received.size() + recordConcurrency - 1) / recordConcurrency;
            serialNanos.addAndGet(finished.duration().toNanos() * firstTimeRecords / waves);
        }
        InvocationRecord.Kind kind = failed.size() == received.size()
                ? InvocationRecord.Kind.FAILED
                : split > 0 ? InvocationRecord.Kind.SPLIT : InvocationRecord.Kind.PROCESS;
        return record(finished, kind, processed, split, received.size(), failed.size(), 0, errorOf(result));
    }

    /** The job a record's sub-task belongs to; empty when it carries no lineage. */
    private static String jobOf(SqsRecord record) {
        return SubTaskAttribute.lineageOf(record.messageAttributes())
                        instanceof SubTaskAttribute.ReceivedLineage.Known known
                ? known.lineage().jobId()
                : "";
    }

    private static String jobOfEvent(JsonNode event) {
        try {
            return JobIds.derive(event);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Items by job: two jobs' item 0 are two items. */
    private static final class JobItems {

        private final Map<String, ItemSet> jobs = new ConcurrentHashMap<>();

        long add(String jobId, long from, long to) {
            return jobs.computeIfAbsent(jobId, id -> new ItemSet()).add(from, to);
        }

        long size() {
            return jobs.values().stream().mapToLong(ItemSet::size).sum();
        }

        /** Whether any job's item {@code item} is in: a run has one job. */
        boolean contains(long item) {
            return jobs.values().stream().anyMatch(items -> items.contains(item));
        }
    }

    /** The index in the event of the first item a record carries, when it carries a lineage. */
    private static OptionalLong firstItemOf(SqsRecord record) {
        return SubTaskAttribute.lineageOf(record.messageAttributes())
                        instanceof SubTaskAttribute.ReceivedLineage.Known known
                ? OptionalLong.of(known.lineage().firstItem())
                : OptionalLong.empty();
    }

    /**
     * A line the function logged: one that says an item is done and ends {@code (item N)}, N its index
     * in the original event, counts item N as seen done by the work itself. Our sample function's
     * {@code done tag key=… on […] (item 17)} is such a line.
     */
    public void functionLine(String line) {
        Matcher matcher = ITEM_DONE.matcher(line);
        if (matcher.find()) {
            long item = Long.parseLong(matcher.group(1));
            loggedDone.add(item, item + 1);
        }
    }

    private static final Pattern ITEM_DONE = Pattern.compile("\\bdone\\b.*\\(item (\\d{1,10})\\)\\s*$");

    /**
     * What the runtime saw of the items from outside the function: the work's own lines when it logs
     * them (see {@link #functionLine}), else the items of the sub-tasks and direct tasks that succeeded.
     */
    public ItemsSeen itemsSeen() {
        return loggedDone.size() > 0
                ? new ItemsSeen(true, loggedDone.size(), loggedDone::contains)
                : new ItemsSeen(false, processedItems.size() + sum(processedParts), processedItems::contains);
    }

    /**
     * The items the runtime saw done.
     *
     * @param fromWorkLines whether from the work's own lines, rather than from the invocations' answers
     * @param count how many distinct items
     * @param contains whether item N was seen done
     */
    public record ItemsSeen(boolean fromWorkLines, long count, LongPredicate contains) {}

    /** The sub-task a record carries ({@code jobId/partId}), or the message itself when it has no lineage. */
    private static String partOf(SqsRecord record) {
        return SubTaskAttribute.taskIdOr(record.messageAttributes(), record.messageId());
    }

    /** The records a function's answer fails, by Lambda's rules: an answer that is not JSON fails them all. */
    private Set<String> failedIn(byte[] response, List<String> batch) {
        JsonNode answer;
        try {
            answer = response.length == 0 ? null : json.readTree(response);
        } catch (Exception e) {
            return new HashSet<>(batch);
        }
        return new HashSet<>(BatchResponse.read(answer, batch).failedMessageIds());
    }

    private static InvocationRecord record(
            Finished finished,
            InvocationRecord.Kind kind,
            int itemsProcessed,
            int itemsSplit,
            int records,
            int failedRecords,
            int subTasks,
            Optional<String> error) {
        Instant handlerStart =
                finished.started().at().plus(finished.initDuration().orElse(Duration.ZERO));
        return new InvocationRecord(
                finished.started().requestId(),
                finished.started().trigger(),
                kind,
                itemsProcessed,
                itemsSplit,
                records,
                failedRecords,
                subTasks,
                handlerStart,
                finished.at(),
                finished.started().coldStart(),
                finished.initDuration(),
                error);
    }

    private static Optional<String> errorOf(InvocationResult result) {
        return switch (result) {
            case InvocationResult.Success success -> Optional.empty();
            case InvocationResult.FunctionError error -> Optional.of(error.errorType() + ": " + error.errorMessage());
            case InvocationResult.TimedOut timedOut -> Optional.of(timedOut.errorMessage());
            case InvocationResult.Throttled throttled -> Optional.of(throttled.errorMessage());
        };
    }

    private static long sum(Map<String, Integer> counts) {
        return counts.values().stream().mapToLong(Integer::longValue).sum();
    }

    private JsonNode readQuietly(byte[] bytes) {
        try {
            JsonNode node = json.readTree(bytes);
            return node == null ? json.createObjectNode() : node;
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    /** The same id the function derives for a task without one of its own. */
    private static String digest(byte[] payload) {
        return JobIds.contentHash(payload);
    }

    /**
     * Sums the run up.
     *
     * @param deadLetters the sub-tasks in the dead-letter queue at the end
     */
    public RunSummary summary(int coldStarts, int peakConcurrency, List<RunSummary.DeadLetter> deadLetters) {
        List<InvocationRecord> all = records();
        long failed = 0;
        Instant first = null;
        Instant last = null;
        for (InvocationRecord record : all) {
            failed += record.failedRecords();
            Instant start = record.start().minus(record.initDuration().orElse(Duration.ZERO));
            first = first == null || start.isBefore(first) ? start : first;
            last = last == null || record.end().isAfter(last) ? record.end() : last;
        }
        long processed = processedItems.size() + sum(processedParts);
        long deadLetteredItems = 0;
        Set<String> counted = new HashSet<>();
        ItemSet dead = new ItemSet();
        for (RunSummary.DeadLetter deadLetter : deadLetters) {
            String part = deadLetter.part();
            if (deadLetter.firstItem() >= 0) {
                // A sub-task of ours: its items, not queued by a split of it, that no other delivery processed.
                long from = deadLetter.firstItem();
                long to = from + deadLetter.itemCount();
                for (long item = from; item < to; item++) {
                    if (!processedItems.contains(item)) {
                        deadLetteredItems += dead.add(item, item + 1);
                    }
                }
                continue;
            }
            // A dead-lettered part whose split went through (its sub-tasks were delivered) is accounted
            // for by those sub-tasks; only a part with no processed or delivered descendant is lost here.
            String children = part + ".";
            boolean split = deliveredParts.stream().anyMatch(delivered -> delivered.startsWith(children));
            if (!processedParts.containsKey(part) && !split && counted.add(part)) {
                deadLetteredItems += deadLetter.itemCount();
            }
        }
        long elapsed = first == null ? 0 : Duration.between(first, last).toMillis();
        long serial = serialNanos.get() / 1_000_000;
        double speedup = elapsed == 0 ? 0 : Math.round(serial * 100.0 / elapsed) / 100.0;
        return new RunSummary(
                all.size(),
                deliveredMessages(),
                processed,
                failed,
                deadLetters.size(),
                coldStarts,
                peakConcurrency,
                elapsed,
                serial,
                speedup,
                sum(directTasks),
                deadLetteredItems,
                duplicates.get(),
                rejectedEvents.get(),
                initErrors.get());
    }
}
