package dev.loadsplitter.engine.internal.batch;

import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.concurrent.BoundedParallel;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.message.SubTaskAttribute.ReceivedLineage;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every record of an SQS batch independently, a bounded number at once, and gives one
 * outcome per record in batch order. Outcomes are collected from futures, so no thread writes to
 * a shared list. A record that throws, even an {@link Error}, fails alone; the others are unaffected.
 * The failure is logged here with its stack trace and causes, once per kind in the batch: a
 * repeat (another record failing alike, {@link FailureKind}) is counted, and one line at the end
 * says how many more there were.
 */
public final class BatchProcessor {

    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

    private final ExecutorService executor;
    private final int concurrency;

    public BatchProcessor(ExecutorService executor, int concurrency) {
        this.executor = Objects.requireNonNull(executor, "executor");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
    }

    public List<RecordOutcome> process(List<SqsRecord> records, Invocation invocation, RecordHandler handler)
            throws InterruptedException {
        FailureLog failures = new FailureLog();
        try {
            if (records.size() == 1) {
                // The common case (batch size 1) needs no extra thread.
                return List.of(run(records.getFirst(), invocation, handler, failures));
            }
            return BoundedParallel.map(
                    records,
                    concurrency,
                    executor,
                    record -> run(record, invocation, handler, failures),
                    // run() catches Exception, so only an Error lands here; the record still fails alone.
                    (record, error) -> failed(record, error, failures));
        } finally {
            failures.summarize(log, invocation.requestId());
        }
    }

    private static RecordOutcome run(
            SqsRecord record, Invocation invocation, RecordHandler handler, FailureLog failures) {
        try {
            return new RecordOutcome.Succeeded(record.messageId(), handler.handle(record, invocation));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(record, e, failures);
        } catch (Exception e) {
            return failed(record, e, failures);
        }
    }

    /**
     * Fails a record, logging why: its class, message and stack the first time a failure of its kind
     * comes in this invocation; a repeat is only counted in {@code failures}.
     */
    static RecordOutcome failed(SqsRecord record, Throwable why, FailureLog failures) {
        String lineage = SubTaskAttribute.lineageOf(record.messageAttributes()) instanceof ReceivedLineage.Known known
                ? ", " + known.lineage().describe()
                : "";
        String reason = why.getMessage() == null ? why.getClass().getName() : why.getMessage();
        if (why instanceof QuietFailure) {
            log.info(
                    "messageId={}{}: left on the queue for redelivery (receive count {}): {}",
                    record.messageId(),
                    lineage,
                    record.receiveCount(),
                    reason);
        } else if (failures.first(why, "messageId=" + record.messageId())) {
            log.warn(
                    "messageId={}{}: failed, left on the queue for redelivery (receive count {}): {}",
                    record.messageId(),
                    lineage,
                    record.receiveCount(),
                    reason,
                    why);
        }
        return new RecordOutcome.Failed(record.messageId(), reason);
    }
}
