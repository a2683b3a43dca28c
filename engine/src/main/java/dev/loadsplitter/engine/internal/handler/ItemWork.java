package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The work of a slice of a task's items, with one outcome per item: a task type whose work can fail
 * or give a result item by item implements {@link PerItem}; any other task type's {@code process}
 * does the whole slice, which succeeds or fails as one.
 */
final class ItemWork<T> {

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

    /** A task type that does its work item by item. */
    interface PerItem<T> {
        /**
         * Does every item of {@code slice}, each on its own.
         *
         * @return one outcome per item, in order
         */
        List<Outcome> processEach(T slice, WorkContext context) throws Exception;
    }

    private final TaskType<T> type;

    ItemWork(TaskType<T> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /** The outcomes of {@code slice}'s {@code items} items; throws when the slice failed as a whole. */
    List<Outcome> process(T slice, int items, WorkContext context) throws Exception {
        if (type instanceof PerItem<?>) {
            @SuppressWarnings("unchecked")
            PerItem<T> each = (PerItem<T>) type;
            List<Outcome> outcomes = each.processEach(slice, context);
            if (outcomes.size() != items) {
                throw new IllegalStateException(type.name() + " gave " + outcomes.size() + " outcomes for " + items
                        + " items; it must give one per item");
            }
            return outcomes;
        }
        type.process(slice, context);
        return new ArrayList<>(Collections.nCopies(items, new Outcome.Ok(Optional.empty())));
    }
}
