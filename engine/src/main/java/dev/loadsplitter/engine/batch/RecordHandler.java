package dev.loadsplitter.engine.batch;

/** Handles one SQS record. Throwing fails only that record. */
@FunctionalInterface
public interface RecordHandler {

    /** @return a short summary for the log, such as "processed 1 tag" */
    String handle(SqsRecord record) throws Exception;
}
