/**
 * The formats Load Splitter writes and reads, each in one place: the sub-task's message attributes
 * ({@link dev.loadsplitter.engine.message.SubTaskAttribute}), its task id
 * ({@link dev.loadsplitter.engine.message.TaskId}) and lineage, the answer to a direct invocation
 * ({@link dev.loadsplitter.engine.message.DirectResponse}), the partial batch response
 * ({@link dev.loadsplitter.engine.message.BatchResponse}), a record of the Lambda SQS event
 * ({@link dev.loadsplitter.engine.message.SqsRecord}; the event is written from the SDK's messages inside the
 * engine), and the strict JSON they are read with ({@link dev.loadsplitter.engine.message.EventJson}).
 * The function, the local runtime and the CLI all use these types; none re-parses the text.
 */
package dev.loadsplitter.engine.message;
