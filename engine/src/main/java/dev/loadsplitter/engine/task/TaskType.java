package dev.loadsplitter.engine.task;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the engine needs to know about one kind of task: how to read it, count and slice its items,
 * write a sub-task back, and process a task small enough to do in one invocation.
 *
 * <p>A sub-task keeps the original event's shape and differs only in its item list, so anything
 * that understands the original event understands the sub-task.
 *
 * @param <T> the task type's own representation of a task; treated as immutable by the engine
 */
public interface TaskType<T> {

    /** A short name for logs and message attributes, for example {@code CreateTags}. */
    String name();

    /** How to name this task type's items in responses and logs: "tag" and "tags". */
    ItemNoun itemNoun();

    /** Reads a parsed event: a task, an event of no interest, or an invalid event naming its bad field. */
    Reading<T> read(JsonNode event);

    /** How many items the task holds. */
    int itemCount(T task);

    /** A task equal to {@code task} but holding only items {@code [fromIndex, toIndex)}. */
    T subTask(T task, int fromIndex, int toIndex);

    /** The task as JSON, in the shape of the event it was read from. */
    JsonNode write(T task);

    /**
     * Does the work for every item of a small task. A thrown exception fails the task: a direct
     * invocation fails, an SQS record is reported as a batch item failure and comes back.
     */
    void process(T task, WorkContext context) throws Exception;
}
