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
 */
public final class BatchProcessor {

    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

    private final RecordHandler handler;
    private final ExecutorService executor;
    private final int concurrency;

    public BatchProcessor(RecordHandler handler, ExecutorService executor, int concurrency) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.executor = Objects.requireNonNull(executor, "executor");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
    }

    public List<RecordOutcome> process(List<SqsRecord> records, Invocation invocation) throws InterruptedException {
        if (records.size() == 1) {
            return List.of(
                    run(records.getFirst(), invocation)); // The common case (batch size 1) needs no extra thread.
        }
        return BoundedParallel.map(
                records,
                concurrency,
                executor,
                record -> run(record, invocation),
                // run() catches Exception, so only an Error lands here; the record still fails alone.
                (record, error) -> failed(record, error.toString()));
    }

    private RecordOutcome run(SqsRecord record, Invocation invocation) {
        try {
            return new RecordOutcome.Succeeded(record.messageId(), handler.handle(record, invocation));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(record, "interrupted");
        } catch (Exception e) {
            return failed(record, e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        }
    }

    private static RecordOutcome failed(SqsRecord record, String reason) {
        String lineage = SubTaskAttribute.lineageOf(record.messageAttributes()) instanceof ReceivedLineage.Known known
                ? ", " + known.lineage().describe()
                : "";
        log.warn(
                "messageId={}{}: failed, left on the queue for redelivery (receive count {}): {}",
                record.messageId(),
                lineage,
                record.receiveCount(),
                reason);
        return new RecordOutcome.Failed(record.messageId(), reason);
    }
}
