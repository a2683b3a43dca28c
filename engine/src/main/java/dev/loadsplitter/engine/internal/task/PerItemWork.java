package dev.loadsplitter.engine.internal.task;

import dev.loadsplitter.engine.task.JsonArrayTaskType;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The work of a task type that does its items one by one, each with its own outcome: one item
 * failing fails only that item, and each may give a result. The handler finds it with
 * {@link #of}; a task type without it does a slice as one piece of work through
 * {@link TaskType#process}.
 *
 * @param <T> the task type's task representation
 */
public interface PerItemWork<T> {

    /**
     * Does every item of {@code slice}, each on its own.
     *
     * @param context the slice's context: item {@code i} of the slice is item {@code context.firstItem() + i}
     *     of the original event
     * @return one outcome per item, in order
     * @throws Exception when the slice failed as a whole (an interrupt, a fault): every item runs again
     */
    List<Outcome> processEach(T slice, WorkContext context) throws Exception;

    /** What one item's work came to. */
    sealed interface Outcome {

        /** It completed, with its result written as JSON (empty for none). */
        record Ok(Optional<String> result) implements Outcome {
            public Ok {
                Objects.requireNonNull(result, "result");
            }
        }

        /** It failed with {@code error}; the rest of the slice is unaffected. */
        record Failed(Exception error) implements Outcome {
            public Failed {
                Objects.requireNonNull(error, "error");
            }
        }
    }

    /**
     * The per-item work of {@code type}: its own when it implements this interface (an engine-side
     * wrapper such as the test kit's), a {@link JsonArrayTaskType}'s {@code processItem} for each item,
     * or none.
     */
    @SuppressWarnings("unchecked")
    static <T> Optional<PerItemWork<T>> of(TaskType<T> type) {
        if (type instanceof PerItemWork<?> own) {
            return Optional.of((PerItemWork<T>) own);
        }
        if (type instanceof JsonArrayTaskType arrays) {
            return Optional.of((PerItemWork<T>) new JsonArrayWork(arrays));
        }
        return Optional.empty();
    }
}
