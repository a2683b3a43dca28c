package dev.loadsplitter.engine.internal.ledger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Where the ledger keeps what, in one partition per job (partition key: the job's id):
 * <pre>
 *   #job            the job's header: items, task type, deadline, status, close number, publication
 *   #s00 … #s15     counter shards: processed, dead-lettered, skipped, … (their sums are the job's counts;
 *   #s16 … #s63     which shard a count lands in does not matter), and spill shards, made where writers met
 *   i/0000000042    one mark per item, by its index in the original event: DONE (with its result),
 *                   DEAD (with its error), SKIPPED or PENDING (redriven)
 *   t/3.17          one claim per sub-task ({@code t/} alone for the original task): who holds it, until
 *                   when, how many attempts, how far its split got
 * </pre>
 * and a jobs index per day (partition {@code jobs/2026-12-03}, sort key {@code <created ms>/<job id>}),
 * so listing jobs is a query, not a scan, and one of the jobs not yet settled ({@code jobs/unsettled}:
 * open, or closed and not yet announced), which the sweep reads. The {@code #} items sort before the rest, so one query reads
 * the shards; marks sort by index, so a job's results read in order. This class is the one home of
 * these formats.
 */
final class LedgerKeys {

    static final String HEADER = "#job";
    static final String SHARD_PREFIX = "#s";
    /**
     * Counter shards a job opens with. A transactional write costs 2 write units and DynamoDB takes about
     * 1,000 a second on one item, so one counter would cap a job at about 500 counts a second; more to
     * the point, a transaction holds each item it writes while it commits, and another transaction on
     * the same item meanwhile is cancelled with {@code TransactionConflict}. Spreading a job's counts
     * over shards lets that many transactions commit at once.
     */
    static final int MIN_SHARDS = 16;
    /**
     * Counter shards a job may have at most: the 16 it opens with and 48 spill shards, made by the
     * first write that needed one after a conflict. A job's sub-tasks run up to a function's
     * concurrency (1,000 by default) at once; 64 shards leave about 16 writers a shard there, while a
     * calm job keeps 16 and its looks read no more. One query of the shards reads 64 small items, about
     * 6 KB.
     */
    static final int MAX_SHARDS = 64;

    static final String MARK_PREFIX = "i/";
    static final String TASK_PREFIX = "t/";
    static final String INDEX_PREFIX = "jobs/";

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    // Attribute names.
    static final String STATE = "state";
    static final String OWNER = "owner";
    static final String LEASE_ENDS = "leaseEnds";
    static final String ATTEMPTS = "attempts";
    static final String QUEUED = "queued";
    static final String UPDATED_AT = "updatedAt";
    static final String FIRST_ERROR = "firstError";
    static final String LAST_ERROR = "lastError";
    static final String EXPIRES_AT = MemoryLedgerTable.EXPIRES_AT;

    static final String JOB_ID = "jobId";
    static final String TASK_TYPE = "taskType";
    static final String ITEMS = "items";
    static final String CREATED_AT = "createdAt";
    static final String DEADLINE = "deadline";
    static final String STATUS = "status";
    static final String REASON = "reason";
    static final String CLOSE = "close";
    static final String CLOSED_AT = "closedAt";
    static final String CHANGED_AT = "changedAt";
    static final String PUBLISHED = "published";
    static final String PUBLISHER = "publisher";
    static final String PUBLISHING_UNTIL = "publishingUntil";
    /** The last close whose event anyone set out to publish: its counts are frozen from then on. */
    static final String ATTEMPTED = "attempted";

    static final String PROCESSED = "processed";
    static final String DEAD_LETTERED = "deadLettered";
    static final String SKIPPED = "skipped";
    static final String RESULTS = "results";
    static final String FAILED_ATTEMPTS = "failedAttempts";
    static final String TOLERATED = "tolerated";
    static final String STOP = "stop";

    /** The snapshot of the counts a close was made with: {@code c.} + the count's name. */
    static final String SNAPSHOT = "c.";

    static final String AT = "at";
    static final String BY = "by";
    static final String RESULT = "result";
    static final String ERROR_TYPE = "errorType";
    static final String ERROR_MESSAGE = "errorMessage";

    private LedgerKeys() {}

    static ItemKey header(String jobId) {
        return new ItemKey(jobId, HEADER);
    }

    static ItemKey shard(String jobId, int shard) {
        return new ItemKey(jobId, SHARD_PREFIX + String.format(Locale.ROOT, "%02d", shard));
    }

    static ItemKey mark(String jobId, long index) {
        return new ItemKey(jobId, markSortKey(index));
    }

    static String markSortKey(long index) {
        return MARK_PREFIX + String.format(Locale.ROOT, "%010d", index);
    }

    static long indexOf(ItemKey mark) {
        return Long.parseLong(mark.sk().substring(MARK_PREFIX.length()));
    }

    /** The sort keys of the marks of items {@code [from, to)}. */
    static LedgerTable.SortRange marks(long from, long to) {
        return LedgerTable.SortRange.between(markSortKey(from), markSortKey(to - 1));
    }

    static ItemKey task(String jobId, String partId) {
        return new ItemKey(jobId, TASK_PREFIX + partId);
    }

    /**
     * The shard a write about items starting at {@code firstIndex} counts into on its {@code hop}th
     * try: first one of the {@value #MIN_SHARDS} the job opened with (the index mod 16), then, after the
     * store refused a try as busy (another transaction held the shard), one of the spill shards
     * {@code #s16}…{@code #s63}, visiting all 48 before repeating one (the stride is prime to 48).
     */
    static int shardOf(long firstIndex, int hop) {
        if (hop == 0) {
            return (int) Math.floorMod(firstIndex, (long) MIN_SHARDS);
        }
        int spill = MAX_SHARDS - MIN_SHARDS;
        return MIN_SHARDS + (int) Math.floorMod(firstIndex + (long) hop * HOP_STRIDE, (long) spill);
    }

    private static final int HOP_STRIDE = 7;

    static String indexPartition(Instant day) {
        return INDEX_PREFIX + DAY.format(day);
    }

    static ItemKey indexEntry(Instant createdAt, String jobId) {
        return new ItemKey(
                indexPartition(createdAt), String.format(Locale.ROOT, "%013d/%s", createdAt.toEpochMilli(), jobId));
    }

    /** The partition of jobs not yet settled (open, or closed and not announced): what the sweep reads. */
    static final String UNSETTLED = "jobs/unsettled";

    static ItemKey unsettledEntry(Instant createdAt, String jobId) {
        return new ItemKey(UNSETTLED, String.format(Locale.ROOT, "%013d/%s", createdAt.toEpochMilli(), jobId));
    }
}
