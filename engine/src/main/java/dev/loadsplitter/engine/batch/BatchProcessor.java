package dev.loadsplitter.engine.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every record of an SQS batch independently, a bounded number at once, and gives one
 * outcome per record in batch order. Outcomes are collected from futures, so no thread writes to
 * a shared list. A record that throws fails alone; the others are unaffected.
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

    public List<RecordOutcome> process(List<SqsRecord> records) throws InterruptedException {
        if (records.size() == 1) {
            return List.of(run(records.getFirst())); // The common case (batch size 1) needs no extra thread.
        }
        Semaphore permits = new Semaphore(concurrency);
        List<Future<RecordOutcome>> futures = new ArrayList<>(records.size());
        try {
            for (SqsRecord record : records) {
                permits.acquire();
                Callable<RecordOutcome> task = () -> {
                    try {
                        return run(record);
                    } finally {
                        permits.release();
                    }
                };
                try {
                    futures.add(executor.submit(task));
                } catch (RuntimeException e) {
                    permits.release();
                    throw e;
                }
            }
            List<RecordOutcome> outcomes = new ArrayList<>(records.size());
            for (int i = 0; i < futures.size(); i++) {
                outcomes.add(await(futures.get(i), records.get(i)));
            }
            return outcomes;
        } catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            throw e;
        }
    }

    private RecordOutcome run(SqsRecord record) {
        try {
            return new RecordOutcome.Succeeded(record.messageId(), handler.handle(record));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(record, "interrupted");
        } catch (Exception e) {
            return failed(record, e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        }
    }

    private static RecordOutcome await(Future<RecordOutcome> future, SqsRecord record) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // run() catches Exception, so only an Error lands here; the record still fails alone.
            return failed(record, e.getCause().toString());
        }
    }

    private static RecordOutcome failed(SqsRecord record, String reason) {
        log.warn("messageId={}: failed, left on the queue for redelivery (receive count {}): {}", record.messageId(),
                record.receiveCount(), reason);
        return new RecordOutcome.Failed(record.messageId(), reason);
    }
}
