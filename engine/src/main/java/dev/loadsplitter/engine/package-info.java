/**
 * Load Splitter's engine: split one large task into sub-tasks on Amazon SQS and process them in
 * parallel with the same Lambda function.
 *
 * <p>The public API is small. You write a {@link dev.loadsplitter.engine.task.TaskType} (how to
 * read your event, count and slice its items, write a sub-task back, and process a small task);
 * the generic handler {@code dev.loadsplitter.lambda.LoadSplitterHandler} (artifact
 * {@code load-splitter-lambda}) finds it and runs {@link dev.loadsplitter.engine.LoadSplitter}
 * for it. Public packages:
 * <ul>
 *   <li>{@code dev.loadsplitter.engine}: {@link dev.loadsplitter.engine.LoadSplitter}, the engine
 *       of one function, {@link dev.loadsplitter.engine.Invocation}, and
 *       {@link dev.loadsplitter.engine.TaskTypes}, which finds a function's task type;</li>
 *   <li>{@link dev.loadsplitter.engine.task}: the task-type SPI;</li>
 *   <li>{@link dev.loadsplitter.engine.config}: the environment variables the engine reads
 *       ({@link dev.loadsplitter.engine.config.Settings});</li>
 *   <li>{@link dev.loadsplitter.engine.message}: the formats on the wire (sub-task attributes, task
 *       ids, the direct and partial batch responses, a Lambda SQS record, job records and item results)
 *       and the strict JSON they are read with, for tools that read them;</li>
 *   <li>{@link dev.loadsplitter.engine.jobs}: the jobs of a ledger table (list, show, results, cancel,
 *       redrive).</li>
 * </ul>
 * Everything under {@code dev.loadsplitter.engine.internal} is the implementation: it may change in
 * any release, as the AWS SDK's {@code internal} packages do. No public signature names an AWS SDK
 * type or an internal one; the architecture test in the {@code it} module holds these rules.
 */
package dev.loadsplitter.engine;
