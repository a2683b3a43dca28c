package dev.loadsplitter.local.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
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
 */
public final class RunRecorder implements InvocationListener {

    private static final Pattern QUEUED = Pattern.compile("into '(\\d+)' queued");

    private final ObjectMapper json;
    private final int maxItemsPerTask;
    private final Consumer<InvocationRecord> onRecord;
    private final ConcurrentLinkedQueue<InvocationRecord> records = new ConcurrentLinkedQueue<>();
    private final Set<String> deliveredMessages = ConcurrentHashMap.newKeySet();
    /** Every sub-task (job/part) delivered at least once. */
    private final Set<String> deliveredParts = ConcurrentHashMap.newKeySet();
    /** Items of each sub-task (job/part) the first time it succeeded; later successes are duplicates. */
    private final ConcurrentHashMap<String, Integer> processedParts = new ConcurrentHashMap<>();
    /** Items of each distinct direct task (by its bytes), from its last successful response. */
    private final ConcurrentHashMap<String, Integer> directTasks = new ConcurrentHashMap<>();
    /** Items of each distinct small direct task processed in place. */
    private final ConcurrentHashMap<String, Integer> directProcessed = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong duplicates = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param maxItemsPerTask the function's {@code MAX_ITEMS_PER_TASK}
     * @param onRecord told of each finished invocation, for logs and progress
     */
    public RunRecorder(ObjectMapper json, int maxItemsPerTask, Consumer<InvocationRecord> onRecord) {
        this.json = Objects.requireNonNull(json, "json");
        this.maxItemsPerTask = maxItemsPerTask;
        this.onRecord = Objects.requireNonNull(onRecord, "onRecord");
    }

    @Override
    public void finished(Finished finished) {
        InvocationRecord record = finished.started().trigger() == Trigger.SQS ? sqsRecord(finished) : directRecord(finished);
        records.add(record);
        onRecord.accept(record);
    }

    /** Every finished invocation so far, in the order they finished. */
    public List<InvocationRecord> records() {
        return List.copyOf(records);
    }

    /** Distinct SQS messages delivered so far. */
    public int deliveredMessages() {
        return deliveredMessages.size();
    }

    private InvocationRecord directRecord(Finished finished) {
        InvocationResult result = finished.result();
        InvocationRecord.Kind kind = InvocationRecord.Kind.FAILED;
        int items = 0;
        int subTasks = 0;
        Optional<String> error = errorOf(result);
        finished.lostAnswer().ifPresent(answer -> {
            // An injected crash or timeout threw the answer away; the task it describes was still split or done.
            JsonNode lost = readQuietly(answer);
            int status = lost.path("statusCode").asInt(0);
            int count = lost.path("count").asInt(0);
            String task = digest(finished.started().payload());
            if (status == 200 || status == 202 && count > 0) {
                directTasks.put(task, count);
            }
            if (status == 200) {
                directProcessed.putIfAbsent(task, count);
            }
        });
        if (result instanceof InvocationResult.Success success) {
            JsonNode response = readQuietly(success.response());
            int status = response.path("statusCode").asInt(0);
            items = response.path("count").asInt(0);
            String task = digest(finished.started().payload());
            if (status == 200 || status == 202 && items > 0) {
                directTasks.put(task, items);
            }
            if (status == 200) {
                kind = InvocationRecord.Kind.PROCESS;
                if (directProcessed.putIfAbsent(task, items) != null) {
                    duplicates.incrementAndGet();
                }
            } else if (status == 202 && items > 0) {
                kind = InvocationRecord.Kind.SPLIT;
                Matcher queued = QUEUED.matcher(response.path("body").asText(""));
                subTasks = queued.find() ? Integer.parseInt(queued.group(1)) : 0;
            } else if (status == 202) {
                kind = InvocationRecord.Kind.IGNORED;
            } else if (status == 400) {
                kind = InvocationRecord.Kind.INVALID;
            }
        }
        return record(finished, kind, kind == InvocationRecord.Kind.PROCESS ? items : 0,
                kind == InvocationRecord.Kind.SPLIT ? items : 0, 0, kind == InvocationRecord.Kind.FAILED ? 1 : 0,
                subTasks, error);
    }

    private InvocationRecord sqsRecord(Finished finished) {
        JsonNode event = readQuietly(finished.started().payload());
        List<JsonNode> received = new ArrayList<>();
        event.path("Records").forEach(received::add);
        for (JsonNode record : received) {
            deliveredMessages.add(record.path("messageId").asText());
            deliveredParts.add(partOf(record));
        }
        InvocationResult result = finished.result();
        Set<String> failed = new HashSet<>();
        if (result instanceof InvocationResult.Success success) {
            failedIn(success.response(), failed);
        } else {
            received.forEach(record -> failed.add(record.path("messageId").asText()));
        }
        // An injected crash or timeout threw away an answer: the records it reports done were processed.
        Set<String> doneButLost = new HashSet<>();
        finished.lostAnswer().ifPresent(answer -> {
            Set<String> lostFailures = new HashSet<>();
            failedIn(answer, lostFailures);
            received.forEach(record -> {
                if (!lostFailures.contains(record.path("messageId").asText())) {
                    doneButLost.add(record.path("messageId").asText());
                }
            });
        });
        int processed = 0;
        int split = 0;
        for (JsonNode record : received) {
            String messageId = record.path("messageId").asText();
            if (failed.contains(messageId) && !doneButLost.contains(messageId)) {
                continue;
            }
            JsonNode attributes = record.path("messageAttributes");
            int itemCount = attributes.path("itemCount").path("stringValue").asInt(1);
            if (itemCount > maxItemsPerTask) {
                split += failed.contains(messageId) ? 0 : itemCount;
                continue;
            }
            String part = partOf(record);
            if (processedParts.putIfAbsent(part, itemCount) != null) {
                duplicates.incrementAndGet();
            } else if (!failed.contains(messageId)) {
                processed += itemCount;
            }
        }
        InvocationRecord.Kind kind = failed.size() == received.size() ? InvocationRecord.Kind.FAILED
                : split > 0 ? InvocationRecord.Kind.SPLIT : InvocationRecord.Kind.PROCESS;
        return record(finished, kind, processed, split, received.size(), failed.size(), 0, errorOf(result));
    }

    private static String partOf(JsonNode record) {
        JsonNode attributes = record.path("messageAttributes");
        return attributes.path("jobId").path("stringValue").asText("") + "/"
                + attributes.path("partId").path("stringValue").asText(record.path("messageId").asText());
    }

    private void failedIn(byte[] response, Set<String> failed) {
        readQuietly(response).path("batchItemFailures")
                .forEach(failure -> failed.add(failure.path("itemIdentifier").asText()));
    }

    private static InvocationRecord record(Finished finished, InvocationRecord.Kind kind, int itemsProcessed,
                                           int itemsSplit, int records, int failedRecords, int subTasks,
                                           Optional<String> error) {
        Instant handlerStart = finished.started().at().plus(finished.initDuration().orElse(Duration.ZERO));
        return new InvocationRecord(finished.started().requestId(), finished.started().trigger(), kind, itemsProcessed,
                itemsSplit, records,
                failedRecords, subTasks, handlerStart, finished.at(), finished.started().coldStart(),
                finished.initDuration(), error);
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

    private static String digest(byte[] payload) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /**
     * Sums the run up.
     *
     * @param deadLetters the sub-tasks in the dead-letter queue at the end
     * @param delay the processing delay per item, for the serial estimate
     */
    public RunSummary summary(int coldStarts, int peakConcurrency, List<RunSummary.DeadLetter> deadLetters,
                              Duration delay) {
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
        long processed = sum(processedParts) + sum(directProcessed);
        long deadLetteredItems = 0;
        Set<String> counted = new HashSet<>();
        for (RunSummary.DeadLetter deadLetter : deadLetters) {
            String part = deadLetter.jobId() + "/" + deadLetter.partId();
            // A dead-lettered part whose split went through (its sub-tasks were delivered) is accounted
            // for by those sub-tasks; only a part with no processed or delivered descendant is lost here.
            String children = part + ".";
            boolean split = deliveredParts.stream().anyMatch(delivered -> delivered.startsWith(children));
            if (!processedParts.containsKey(part) && !split && counted.add(part)) {
                deadLetteredItems += deadLetter.itemCount();
            }
        }
        long elapsed = first == null ? 0 : Duration.between(first, last).toMillis();
        long serial = processed * delay.toMillis();
        double speedup = elapsed == 0 ? 0 : Math.round(serial * 100.0 / elapsed) / 100.0;
        return new RunSummary(all.size(), deliveredMessages(), processed, failed, deadLetters.size(), coldStarts,
                peakConcurrency, elapsed, serial, speedup, sum(directTasks), deadLetteredItems, duplicates.get());
    }
}
