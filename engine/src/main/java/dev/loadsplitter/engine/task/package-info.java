/**
 * The task-type SPI: what a user writes to bring their own work.
 *
 * <p>A {@link dev.loadsplitter.engine.task.TaskType} reads an event into a task
 * ({@link dev.loadsplitter.engine.task.Reading}: accepted, ignored, or invalid with the field),
 * counts and slices its items, writes a sub-task back in the event's own shape, and processes a
 * task small enough for one invocation. {@link dev.loadsplitter.engine.task.JsonItemList} does the
 * reading, slicing and writing for the common case of an event whose items are one JSON array, and
 * {@link dev.loadsplitter.engine.task.TaskTypes} finds a function's task type by
 * {@code TASK_TYPE} or {@code META-INF/services}.
 */
package dev.loadsplitter.engine.task;
