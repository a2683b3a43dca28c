package dev.loadsplitter.engine.internal.batch;

import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.message.SqsRecord;

/** Handles one SQS record. Throwing fails only that record. */
@FunctionalInterface
public interface RecordHandler {

    /**
     * @param invocation the invocation the record arrived in
     * @return a short summary for the log, such as "processed 1 tag"
     */
    String handle(SqsRecord record, Invocation invocation) throws Exception;
}
