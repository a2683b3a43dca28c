/**
 * The task-type SPI: what a user writes to bring their own work.
 *
 * <p>For the common event, one JSON array of items, extend
 * {@link dev.loadsplitter.engine.task.JsonArrayTaskType} and write one method,
 * {@code processItem}: one item's work and its result, each item failing or succeeding on its own.
 * For any other shape, a {@link dev.loadsplitter.engine.task.TaskType} reads an event into a task
 * ({@link dev.loadsplitter.engine.task.Reading}: accepted, ignored, or invalid with the field),
 * counts and slices its items, writes a sub-task back in the event's own shape, and processes a
 * task small enough for one invocation; {@link dev.loadsplitter.engine.task.JsonItemList} does the
 * reading, slicing and writing of a JSON array for it. The handler finds a function's task type by
 * {@code TASK_TYPE} or {@code META-INF/services} with {@link dev.loadsplitter.engine.TaskTypes}, outside
 * this package: loading is the runtime's concern, not the SPI's.
 */
package dev.loadsplitter.engine.task;
