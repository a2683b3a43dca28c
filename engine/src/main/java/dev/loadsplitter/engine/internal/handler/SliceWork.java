package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.internal.task.PerItemWork;
import dev.loadsplitter.engine.internal.task.PerItemWork.Outcome;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The work of a slice of a task's items, with one outcome per item: a task type with
 * {@link PerItemWork} (a {@code JsonArrayTaskType}) fails or gives a result item by item; any other
 * task type's {@code process} does the whole slice, which succeeds or fails as one.
 */
final class SliceWork<T> {

    private final TaskType<T> type;
    private final Optional<PerItemWork<T>> each;

    SliceWork(TaskType<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        this.each = PerItemWork.of(type);
    }

    /** The outcomes of {@code slice}'s {@code items} items; throws when the slice failed as a whole. */
    List<Outcome> process(T slice, int items, WorkContext context) throws Exception {
        if (each.isPresent()) {
            List<Outcome> outcomes = each.get().processEach(slice, context);
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
