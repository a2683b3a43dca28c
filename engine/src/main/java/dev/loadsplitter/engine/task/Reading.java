package dev.loadsplitter.engine.task;

import java.util.Objects;

/**
 * The result of reading an event as a task.
 *
 * @param <T> the task type's task representation
 */
public sealed interface Reading<T> {

    /** The event is a task of this type. */
    record Accepted<T>(T task) implements Reading<T> {
        public Accepted {
            Objects.requireNonNull(task, "task");
        }
    }

    /** The event is well formed but not of interest, such as {@code DeleteTags} for a {@code CreateTags} type. */
    record Ignored<T>(String reason) implements Reading<T> {
        public Ignored {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The event cannot be understood.
     *
     * @param field the JSON path of the offending field, such as {@code detail.eventName}; {@code (root)} for the document
     * @param problem what is wrong with it, such as "is missing" or "must be an array, got a string"
     */
    record Invalid<T>(String field, String problem) implements Reading<T> {
        public Invalid {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(problem, "problem");
        }

        /** "detail.eventName is missing". */
        public String describe() {
            return field + " " + problem;
        }
    }

    static <T> Reading<T> accepted(T task) {
        return new Accepted<>(task);
    }

    static <T> Reading<T> ignored(String reason) {
        return new Ignored<>(reason);
    }

    static <T> Reading<T> invalid(String field, String problem) {
        return new Invalid<>(field, problem);
    }
}
