package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;

/** Reads an event through a task type, turning an exception of the task type's into an invalid event. */
final class TaskReading {

    private TaskReading() {}

    /**
     * The task type's reading of {@code event}; a task type that throws instead of answering
     * {@link Reading.Invalid} makes the event invalid with the exception as its problem, so one
     * bad event never takes the container down.
     */
    static <T> Reading<T> read(TaskType<T> type, JsonNode event) {
        try {
            return type.read(event);
        } catch (RuntimeException e) {
            return Reading.invalid("(root)", "could not be read by task type " + type.name() + ": " + e);
        }
    }
}
